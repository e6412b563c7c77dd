using System.Text;
using Ganeti.HTools.Allocation;
using Ganeti.HTools.Balancing;
using Ganeti.HTools.Capacity;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;

namespace Ganeti.HTools.Cli;

public static partial class HToolsCli
{
    private static int RunHail(CliOptions o, TextWriter output, TextWriter err)
    {
        string? path = o.Args.FirstOrDefault() ?? o.IAllocSrc;
        if (path is null) return Fail(err, "Error: this program needs an input file.");
        output.WriteLine(IAllocatorService.Process(File.ReadAllText(path)));
        return 0;
    }

    private static int RunHroller(CliOptions o, TextWriter output, TextWriter err)
    {
        var cd = LoadCluster(o, err);
        var nodes = cd.Nodes.Where(n => !n.Offline && (o.Group is null || cd.Groups[n.Group].Name == o.Group || cd.Groups[n.Group].Uuid == o.Group))
            .Where(n => o.NodeTags is null || n.Tags.Contains(o.NodeTags)).Select(n => n.Index);
        var groups = RebootGroups.Compute(cd, nodes);
        if (o.OneStepOnly) groups = groups.Take(1).ToList();
        if (!o.NoHeaders) output.WriteLine("'Node Reboot Groups'");
        foreach (var g in groups) output.WriteLine(string.Join(",", g.Select(i => cd.Nodes[i].Name)));
        return 0;
    }

    private static int RunHinfo(CliOptions o, TextWriter output, TextWriter err)
    {
        var cd = LoadCluster(o, err);
        output.WriteLine("Loaded cluster tags: " + string.Join(",", cd.Tags));
        output.WriteLine(F("Loaded {0} nodes, {1} instances, {2} node group{3}", cd.Nodes.Count, cd.Instances.Count, cd.Groups.Count, cd.Groups.Count == 1 ? "" : "s"));
        var bad = cd.Nodes.Where(n => !n.Offline && n.State.FailN1).ToList();
        output.WriteLine(bad.Count == 0 ? "Cluster is N+1 happy" : F("Cluster is not N+1 happy: {0} nodes fail", bad.Count));
        output.Write("Cluster coefficients:\n" + Metrics.PrintStats("  ", cd.Nodes));
        output.WriteLine(F("Cluster score: {0:F8}", Metrics.Score(cd.Nodes)));
        if (o.PrintNodes is not null) output.Write(Reports.Nodes(cd.Nodes, o.PrintNodes));
        if (o.PrintInstances) output.Write(Reports.Instances(cd, cd.Instances));
        return 0;
    }

    private static int RunHcheck(CliOptions o, TextWriter output, TextWriter err)
    {
        var cd = LoadCluster(o, err);
        var groups = GroupsWithNodes(cd);
        var sb = new StringBuilder();
        (int N1, int Conflicts, int OffPri, int OffSec, int Gn1, double Score) Stats(int g)
        {
            var nodes = cd.Nodes.Where(n => n.Group == g).ToList();
            return (nodes.Count(n => !n.Offline && n.State.FailN1), nodes.Sum(n => n.State.Conflicting),
                nodes.Where(n => n.Offline).Sum(n => n.State.PCount), nodes.Where(n => n.Offline).Sum(n => n.State.SCount),
                nodes.Count(n => !GlobalN1.CanEvacuate(cd, n)), Metrics.Score(nodes));
        }
        bool needRebalance = false;
        void Emit(string phase)
        {
            var all = groups.Select(g => (g, s: Stats(g))).ToList();
            foreach (var (g, s) in all)
            {
                var gi = groups.IndexOf(g);
                sb.Append(F("HCHECK_{0}_GROUP_{1}_N1_FAIL={2}\n", phase, gi, s.N1));
                sb.Append(F("HCHECK_{0}_GROUP_{1}_CONFLICT_TAGS={2}\n", phase, gi, s.Conflicts));
                sb.Append(F("HCHECK_{0}_GROUP_{1}_OFFLINE_PRI={2}\n", phase, gi, s.OffPri));
                sb.Append(F("HCHECK_{0}_GROUP_{1}_OFFLINE_SEC={2}\n", phase, gi, s.OffSec));
                sb.Append(F("HCHECK_{0}_GROUP_{1}_GN1_FAIL={2}\n", phase, gi, s.Gn1));
                sb.Append(F("HCHECK_{0}_GROUP_{1}_SCORE={2:F8}\n", phase, gi, s.Score));
            }
            sb.Append(F("HCHECK_{0}_CLUSTER_N1_FAIL={1}\n", phase, all.Sum(x => x.s.N1)));
            sb.Append(F("HCHECK_{0}_CLUSTER_CONFLICT_TAGS={1}\n", phase, all.Sum(x => x.s.Conflicts)));
            sb.Append(F("HCHECK_{0}_CLUSTER_OFFLINE_PRI={1}\n", phase, all.Sum(x => x.s.OffPri)));
            sb.Append(F("HCHECK_{0}_CLUSTER_OFFLINE_SEC={1}\n", phase, all.Sum(x => x.s.OffSec)));
            sb.Append(F("HCHECK_{0}_CLUSTER_GN1_FAIL={1}\n", phase, all.Sum(x => x.s.Gn1)));
            sb.Append(F("HCHECK_{0}_CLUSTER_NEED_REBALANCE={1}\n", phase, needRebalance ? 1 : 0));
        }
        for (int k = 0; k < groups.Count; k++) sb.Append(F("HCHECK_GROUP_UUID_{0}='{1}'\n", k, cd.Groups[groups[k]].Uuid));
        foreach (var g in groups)
        {
            // A rebalance helps when one balancing round would improve the group.
            var bal = Balancer.ForGroup(cd, g, new BalanceOptions { MaxLength = 1, MinGain = o.MinGain, MinGainLimit = o.MinGainLimit });
            if (bal.CurrentScore() - bal.OptimalScore() >= o.MinScore)
            {
                var trial = Balancer.ForGroup(Text.TextLoader.Parse(Text.TextSerializer.Serialize(cd)) is var raw ? ClusterLoader.Finish(raw, LoadOptionsOf(o)) : cd, g,
                    new BalanceOptions { MaxLength = 1, MinGain = o.MinGain, MinGainLimit = o.MinGainLimit });
                if (trial.Run().Count > 0) needRebalance = true;
            }
        }
        Emit("INIT");
        Emit("FINAL");
        sb.Append("HCHECK_OK=1\n");
        if (o.MachineReadable) output.Write(sb.ToString());
        else
        {
            output.WriteLine(F("Loaded {0} nodes, {1} instances", cd.Nodes.Count, cd.Instances.Count));
            output.WriteLine(needRebalance ? "Cluster needs rebalancing." : "No need to rebalance cluster.");
        }
        return 0;
    }

    private static int RunHspace(CliOptions o, TextWriter output, TextWriter err)
    {
        var cd = LoadCluster(o, err);
        var pol = cd.Policy;
        var template = o.DiskTemplate is not null ? DiskTemplates.FromRaw(o.DiskTemplate) : pol.DiskTemplates.FirstOrDefault(DiskTemplate.Drbd);
        // A spec given on the command line without its spindle count uses one spindle, as hspace does.
        ISpec ParseSpec(string s, ISpec def)
        {
            var f = s.Split(',').Select(x => int.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            return def with { DiskSize = f[0], MemorySize = f[1], CpuCount = f[2], SpindleUse = f.Length > 3 ? f[3] : 1 };
        }
        var std = o.StandardAlloc is not null ? ParseSpec(o.StandardAlloc, pol.Std) : pol.Std;
        var maxSpec = pol.MinMax.Count > 0 ? pol.MinMax[^1].Max : ISpec.DefaultMax;
        var tspec = o.TieredAlloc is not null ? ParseSpec(o.TieredAlloc, maxSpec) : maxSpec;
        var sb = new StringBuilder();
        var on = cd.Nodes.Where(n => !n.Offline).ToList();
        void Key(string k, object v) => sb.Append("HTS_").Append(k).Append('=').Append(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        Key("CLUSTER_MEM", (long)on.Sum(n => n.State.TMem));
        Key("CLUSTER_DSK", (long)on.Sum(n => n.State.TDsk));
        Key("CLUSTER_CPU", (long)on.Sum(n => n.State.TCpu));
        Key("CLUSTER_VCPU", on.Sum(n => (long)n.State.HiCpu));
        Key("CLUSTER_SPN", on.Sum(n => n.State.TSpindles));
        Key("CLUSTER_NODES", on.Count);
        Key("INI_SCORE", F("{0:F8}", Metrics.Score(cd.Nodes)));
        Key("INI_INST_CNT", cd.Instances.Count);
        Key("INI_MEM_FREE", on.Sum(n => (long)n.State.UnallocatedMem));
        Key("INI_MEM_AVAIL", on.Sum(n => (long)n.State.AvailMem));
        Key("INI_DSK_FREE", on.Sum(n => (long)n.State.FDsk));
        Key("INI_DSK_AVAIL", on.Sum(n => (long)n.State.AvailDisk));
        int baseCount = cd.Instances.Count;
        if (on.Count < DiskTemplates.RequiredNodes(template))
        {
            // As hspace: the initial figures, then an error, when no instance of the template can be placed at all.
            if (o.MachineReadable) output.Write(sb.ToString());
            else output.Write(sb.ToString().Replace("HTS_", ""));
            err.WriteLine($"Error: failure during allocation: Not enough online nodes ({on.Count} online, the {DiskTemplates.ToRaw(template)} template needs {DiskTemplates.RequiredNodes(template)})");
            return 1;
        }
        var text = Text.TextSerializer.Serialize(cd);
        if (o.StandardAlloc is not null || o.TieredAlloc is null)
        {
            var copy = ClusterLoader.Finish(Text.TextLoader.Parse(text), LoadOptionsOf(o));
            var r = CapacityPlanner.Run(copy, std, template, tiered: false);
            Key("SPEC_MEM", std.MemorySize); Key("SPEC_DSK", std.DiskSize); Key("SPEC_CPU", std.CpuCount);
            Key("SPEC_SPN", std.SpindleUse); Key("SPEC_RQN", DiskTemplates.RequiredNodes(template));
            Key("SPEC_DISK_TEMPLATE", DiskTemplates.ToRaw(template));
            Key("FIN_SCORE", F("{0:F8}", r.FinalScore));
            Key("FIN_INST_CNT", baseCount + r.Allocated);
            Key("ALLOC_INSTANCES", r.Allocated);
            Key("ALLOC_FAIL_REASON", r.FailReason.Length == 0 ? "FailNone" : r.FailReason);
        }
        if (o.TieredAlloc is not null || o.StandardAlloc is null)
        {
            var copy = ClusterLoader.Finish(Text.TextLoader.Parse(text), LoadOptionsOf(o));
            var r = CapacityPlanner.Run(copy, tspec, template, tiered: true);
            Key("TSPEC_INI_MEM", tspec.MemorySize); Key("TSPEC_INI_DSK", tspec.DiskSize); Key("TSPEC_INI_CPU", tspec.CpuCount);
            Key("TSPEC_INI_SPN", tspec.SpindleUse); Key("TSPEC_INI_RQN", DiskTemplates.RequiredNodes(template));
            Key("TSPEC_INI_DISK_TEMPLATE", DiskTemplates.ToRaw(template));
            Key("TRL_SCORE", F("{0:F8}", r.FinalScore));
            Key("TRL_INST_CNT", baseCount + r.Allocated);
            // Ganeti quotes the list only when it is not empty.
            Key("TSPEC", r.Tiers.Count == 0 ? "" : "'" + string.Join(" ", r.Tiers.Select(t => $"{t.Mem},{t.Dsk},{t.Cpu},{tspec.SpindleUse}={t.Count}")) + "'");
        }
        Key("OK", 1);
        if (o.MachineReadable) output.Write(sb.ToString());
        else output.Write(sb.ToString().Replace("HTS_", ""));
        return 0;
    }
}
