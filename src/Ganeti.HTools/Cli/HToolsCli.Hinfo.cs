using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;
using Ganeti.HTools.Text;

namespace Ganeti.HTools.Cli;

public static partial class HToolsCli
{
    /// <summary>
    /// hinfo: the cluster's state as Ganeti's hinfo prints it. Summary lines go to standard
    /// output; the instance map (--print-instances) and node list (-p) to standard error.
    /// </summary>
    private static int RunHinfo(CliOptions o, TextWriter output, TextWriter err)
    {
        if (o.Args.Count > 0) return Fail(err, "Error: This program doesn't take any arguments.");
        var cd = LoadCluster(o, err);
        output.WriteLine("Loaded cluster tags: " + string.Join(",", cd.Tags));
        if (o.Verbose > 2) output.WriteLine("Loaded cluster ipolicy: " + Reports.ShowPolicy(cd.Policy));
        output.WriteLine(F("Loaded {0} nodes, {1} instances, {2} node group{3}", cd.Nodes.Count, cd.Instances.Count,
            cd.Groups.Count, cd.Groups.Count == 1 ? "" : "s"));
        string suffix = ClusterLoader.CommonSuffix(cd.Nodes.Select(n => n.Name).Concat(cd.Instances.Select(i => i.Name)));
        if (o.Verbose > 2 && suffix.Length > 0) output.WriteLine($"Note: Stripping common suffix of '{suffix}' from names");
        // Split instances are reported at any verbosity, their absence only when verbose.
        var split = SplitInstances(cd);
        if (split.Count > 0)
        {
            output.WriteLine("Found instances belonging to multiple node groups:");
            foreach (var i in split) err.WriteLine("  " + i.Name);
        }
        else if (o.Verbose > 1) output.WriteLine("No split instances found");
        if (o.Verbose > 1)
        {
            output.WriteLine("Node group information:");
            output.Write(Reports.Groups(cd, GroupsWithNodes(cd)));
        }
        bool happy = cd.Nodes.All(n => n.Offline || !n.State.FailN1);
        output.WriteLine(happy ? "Cluster is N+1 happy" : "Cluster is N+1 unhappy");
        output.Write("Cluster coefficients:\n" + Metrics.PrintStats("  ", cd.Nodes));
        output.WriteLine("Cluster score: " + HaskellShow.Fixed(Metrics.Score(cd.Nodes)));
        if (o.PrintInstances) err.Write("\nInstances instance map:\n" + Reports.Instances(cd, cd.Instances));
        if (o.PrintNodes is not null) err.Write("\nCluster status:\n" + Reports.Nodes(cd.Nodes, o.PrintNodes) + "\n");
        return 0;
    }

    /// <summary>Instances whose primary and secondary nodes are in different groups.</summary>
    internal static List<Instance> SplitInstances(ClusterData cd)
        => cd.Instances.Where(i => i.SNode != Instance.NoNode && cd.Nodes[i.PNode].Group != cd.Nodes[i.SNode].Group).ToList();
}
