using Ganeti.HTools.Balancing;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;
using Ganeti.HTools.Text;

namespace Ganeti.HTools.Cli;

public static partial class HToolsCli
{
    private static int RunHbal(CliOptions o, TextWriter output, TextWriter err)
    {
        if (o.Args.Count > 0) return Fail(err, "This program doesn't take any arguments.");
        var cd = LoadCluster(o, err);
        if (cd.Instances.Count == 0)
        {
            output.WriteLine("Cluster is empty, exiting.");
            return 0;
        }
        output.WriteLine(F("Loaded {0} nodes, {1} instances", cd.Nodes.Count, cd.Instances.Count));
        var groups = GroupsWithNodes(cd);
        int gidx;
        if (o.Group is null)
        {
            if (groups.Count > 1)
            {
                err.WriteLine("Found multiple node groups:");
                foreach (var g in groups) err.WriteLine("  " + cd.Groups[g].Name);
                return Fail(err, "Aborting.");
            }
            gidx = groups[0];
        }
        else
        {
            var g = cd.FindGroup(o.Group);
            if (g is null)
            {
                err.WriteLine($"Node group {o.Group} not found. Node group list is:");
                foreach (var x in cd.Groups) err.WriteLine("  " + x.Name);
                return Fail(err, "Aborting.");
            }
            gidx = g.Index;
        }
        var opts = new BalanceOptions
        {
            DiskMoves = !o.NoDiskMoves, InstanceMoves = !o.NoInstanceMoves, RestrictedMigration = o.RestrictedMigration,
            IgnoreSoftErrors = o.IgnoreSoftErrors, EvacMode = o.EvacMode, MinGain = o.MinGain,
            MinGainLimit = o.MinGainLimit, MaxLength = o.MaxLength, MinScore = o.MinScore, Parallel = !o.SingleThreaded,
        };
        var bal = Balancer.ForGroup(cd, gidx, opts);
        var gnodes = bal.GroupNodes.Select(i => cd.Nodes[i]).ToList();
        var ginsts = bal.GroupInstances.Select(i => cd.Instances[i]).ToList();
        output.WriteLine(F("Group size {0} nodes, {1} instances", gnodes.Count, ginsts.Count));
        output.WriteLine("Selected node group: " + cd.Groups[gidx].Name);
        var bad = gnodes.Where(n => !n.Offline && n.State.FailN1).ToList();
        int badInst = bad.SelectMany(n => n.PList.Concat(n.SList)).Distinct().Count();
        if (o.Verbose >= 1) output.WriteLine(F("Initial check done: {0} bad nodes, {1} bad instances.", bad.Count, badInst));
        if (bad.Count > 0)
            output.WriteLine("Cluster is not N+1 happy, continuing but no guarantee that the cluster will end N+1 happy.");
        int policyBad = gnodes.Count(n => !bad.Contains(n) && (n.State.InstSpindles > n.State.HiSpindles || n.State.PCpu > n.Policy.VcpuRatio));
        if (policyBad > 0)
        {
            output.WriteLine(F("The cluster contains {0} policy-violating nodes.", policyBad));
            output.WriteLine(o.IgnoreSoftErrors ? "Continuing, ignoring soft errors."
                : "Continuing, but the set of moves might be too restricted; consider using the --ignore-soft-errors option.");
        }
        if (o.PrintInstances) output.Write("Initial instance map:\n" + Reports.Instances(cd, ginsts) + "\n");
        if (o.PrintNodes is not null) output.Write("Initial cluster status:\n" + Reports.Nodes(gnodes, o.PrintNodes) + "\n");
        double ini = bal.CurrentScore();
        double opt = bal.OptimalScore();
        if (o.Verbose > 2) output.Write("Initial coefficients: overall " + HaskellShow.Fixed(ini) + "\n" + Metrics.PrintStats("  ", gnodes));
        else output.WriteLine("Initial score: " + HaskellShow.Fixed(ini));
        if (ini - opt < o.MinScore)
        {
            output.WriteLine(F("Cluster is already well balanced (initial score {0},\noptimum score due to N+1 reservations {1},\nminimum score {2}).\nNothing to do, exiting",
                G6(ini), G6(opt), G6(o.MinScore)));
            return 0;
        }
        output.WriteLine("Trying to minimize the CV...");
        int imlen = ginsts.Max(i => i.Alias.Length);
        int nmlen = gnodes.Max(n => n.Alias.Length);
        int pos = 0;
        var plan = bal.Run(p => output.WriteLine(JobPlanner.SolutionLine(cd, p, ++pos, nmlen, imlen)));
        double fin = plan.Count > 0 ? plan[^1].Score : ini;
        if (plan.Count == 0) output.WriteLine("No solution found");
        else if (o.Verbose > 2) output.Write("Final coefficients:   overall " + HaskellShow.Fixed(fin) + "\n" + Metrics.PrintStats("  ", gnodes));
        else output.WriteLine("Cluster score improved from " + HaskellShow.Fixed(ini) + " to " + HaskellShow.Fixed(fin));
        if (o.Verbose >= 1) output.WriteLine(F("Solution length={0}", plan.Count));
        var jobs = plan.Select(p => JobPlanner.ToJob(cd, p)).ToList();
        var sets = JobPlanner.SplitJobs(jobs);
        if (o.PrintCommands is not null)
        {
            if (o.PrintCommands == "-")
            {
                output.WriteLine();
                output.WriteLine("Commands to run to reach the above solution:");
                output.Write(JobPlanner.FormatCommands(sets));
            }
            else
            {
                File.WriteAllText(o.PrintCommands, "#!/bin/sh\n\nset -e\n\ncheck() {\n  echo -n \"Checking status of job $1...\"\n}\n\n" + JobPlanner.FormatCommands(sets));
                output.WriteLine($"The commands have been written to file '{o.PrintCommands}'");
            }
        }
        if (o.PrintJobsJson) output.WriteLine(JobPlanner.ToJson(sets).ToJsonString());
        if (o.SaveCluster is not null)
        {
            File.WriteAllText(o.SaveCluster + ".balanced", TextSerializer.Serialize(cd));
            err.WriteLine($"The cluster state after balancing has been written to file '{o.SaveCluster}.balanced'");
        }
        if (o.PrintInstances) output.Write("Final instance map:\n" + Reports.Instances(cd, ginsts) + "\n");
        if (o.PrintNodes is not null) output.Write("Final cluster status:\n" + Reports.Nodes(gnodes, o.PrintNodes) + "\n");
        return 0;
    }

    internal static string G6(double d) => d.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
}
