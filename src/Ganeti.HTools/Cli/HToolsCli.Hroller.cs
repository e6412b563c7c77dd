using Ganeti.HTools.Allocation;
using Ganeti.HTools.Balancing;
using Ganeti.HTools.Capacity;
using Ganeti.HTools.Model;

namespace Ganeti.HTools.Cli;

public static partial class HToolsCli
{
    /// <summary>
    /// hroller: groups of nodes that can be rebooted at the same time, largest first and the
    /// master's group last, as Ganeti's hroller prints them.
    /// </summary>
    private static int RunHroller(CliOptions o, TextWriter output, TextWriter err)
    {
        if (o.Args.Count > 0) return Fail(err, "Error: This program doesn't take any arguments.");
        var cd = LoadCluster(o, err);
        var master = cd.Nodes.FirstOrDefault(n => n.IsMaster);
        if (master is null && !o.Force) return Fail(err, "Error: No master node found (maybe not supported by backend).");
        int? group = null;
        if (o.Group is not null)
        {
            var g = cd.FindGroup(o.Group);
            if (g is null) return Fail(err, "Error: Cannot find target group.");
            group = g.Index;
        }
        var tags = o.NodeTags?.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var nonRedundantHosts = cd.Instances.Where(i => !i.HasSecondary).Select(i => i.PNode).ToHashSet();
        var selected = cd.Nodes.Where(n => !n.Offline && (group is null || n.Group == group)
                && (tags is null || n.Tags.Any(tags.Contains))
                && (!o.SkipNonRedundant || !nonRedundantHosts.Contains(n.Index)))
            .Select(n => n.Index).ToList();

        if (selected.Count == 0) return Fail(err, "Error: Cannot create node graph");
        var graph = RebootGraph.Build(cd, selected, o.OfflineMaintenance);
        var colorings = RebootGroups.Colorings(graph);
        if (o.Verbose > 2) output.WriteLine("Node Graph: " + graph.Show());
        var classes = RebootGroups.Classes(graph, RebootGroups.Best(colorings));

        // Each group must be able to send its non-redundant instances elsewhere at once. As in
        // Ganeti, this is planned on the whole colour (nodes between the selected ones
        // included), and the groups are reduced to the selected nodes only when printed.
        var evacuation = new RebootEvacuation(o, cd);
        var groups = new List<List<int>>();
        foreach (var c in classes)
        {
            if (o.IgnoreNonRedundant) { groups.Add(c); continue; }
            var parts = RebootGroups.SplitByCapacity(c, r => evacuation.Moves(r) is not null);
            if (parts is null) return Fail(err, "Error: Not enough capacity to move non-redundant instances");
            groups.AddRange(parts);
        }
        if (o.Verbose > 1) output.WriteLine(RebootGroups.Summary(colorings));
        var sel = selected.ToHashSet();
        var ordered = RebootGroups.Order(groups, master?.Index ?? -1);

        string Name(int n) => cd.Nodes[n].Name;
        if (o.OneStepOnly)
        {
            if (!o.NoHeaders) output.WriteLine("'First Reboot Group'");
            foreach (var n in (ordered.FirstOrDefault() ?? new List<int>()).Where(sel.Contains)) output.WriteLine(Name(n));
            return 0;
        }
        if (!o.NoHeaders) output.WriteLine("'Node Reboot Groups'");
        foreach (var g in ordered)
        {
            output.WriteLine(string.Join(",", g.Where(sel.Contains).Select(Name)));
            if (!o.PrintMoves) continue;
            var moves = o.IgnoreNonRedundant ? new List<(Instance, int)>() : evacuation.Moves(g) ?? new List<(Instance, int)>();
            foreach (var (inst, target) in moves) output.WriteLine($"  {inst.Name} {Name(target)}");
        }
        return 0;
    }

    /// <summary>
    /// Moves of the non-redundant instances off a set of nodes to be rebooted: each goes, in
    /// instance order, to the node of its group outside the set where the cluster scores best.
    /// Every set is tried on a fresh copy of the cluster (instances come back after each reboot).
    /// </summary>
    private sealed class RebootEvacuation(CliOptions o, ClusterData original)
    {
        private readonly string _text = Text.TextSerializer.Serialize(original);

        public List<(Instance Instance, int Target)>? Moves(IReadOnlyList<int> nodes)
        {
            var set = nodes.ToHashSet();
            var victims = original.Instances.Where(i => !i.HasSecondary && set.Contains(i.PNode)).Select(i => i.Index).ToList();
            var result = new List<(Instance, int)>();
            if (victims.Count == 0) return result;
            var cd = ClusterLoader.Finish(Text.TextLoader.Parse(_text), LoadOptionsOf(o));
            foreach (var n in set) cd.Nodes[n].State.Offline = true;
            var alloc = new Allocator(cd, ignoreSoftErrors: true, capacityCheck: false);
            foreach (var idx in victims)
            {
                var inst = cd.Instances[idx];
                int g = cd.Nodes[inst.PNode].Group;
                var targets = cd.Nodes.Where(n => !n.Offline && n.Group == g && !set.Contains(n.Index))
                    .Select(n => new Move(MoveKind.FailoverToAny, n.Index));
                var (ok, placement, _) = alloc.BestMove(inst, targets);
                if (!ok || placement is null) return null;
                result.Add((original.Instances[idx], placement.NewPrimary));
            }
            return result;
        }
    }
}
