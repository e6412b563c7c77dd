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
        if (o.FullEvacuation)
            return Fail(err, "Error: --full-evacuation (planning secondary moves as well) is not supported; " +
                             "the groups without it keep every instance's secondary available.");
        var cd = LoadCluster(o, err);
        var master = cd.Nodes.FirstOrDefault(n => n.IsMaster);
        if (master is null)
        {
            if (!o.Force) return Fail(err, "Error: No master node found (maybe not supported by backend).");
            err.WriteLine("Warning: No master node found (maybe not supported by backend).");
        }
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
        // included), and the groups are reduced to the selected nodes (possibly to none) after.
        var evacuation = new RebootEvacuation(cd);
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
        var shown = groups.Select(g => g.Where(sel.Contains).ToList()).ToList();
        var order = RebootGroups.Order(shown, master?.Index ?? -1);

        string Name(int n) => cd.Nodes[n].Name;
        if (o.OneStepOnly) order = order.Take(1).ToList();
        if (!o.NoHeaders) output.WriteLine(o.OneStepOnly ? "'First Reboot Group'" : "'Node Reboot Groups'");
        foreach (var k in order)
        {
            var g = shown[k];
            if (master is not null && g.Contains(master.Index)) g = g.Where(x => x != master.Index).Append(master.Index).ToList();
            // One step is printed one node per line (for shell loops), all groups one per line.
            if (o.OneStepOnly) foreach (var n in g) output.WriteLine(Name(n));
            else output.WriteLine(string.Join(",", g.Select(Name)));
            if (!o.PrintMoves) continue;
            // The moves are those of the whole part, unselected nodes included.
            var moves = o.IgnoreNonRedundant ? new List<(Instance, int)>() : evacuation.Moves(groups[k]) ?? new List<(Instance, int)>();
            foreach (var (inst, target) in moves) output.WriteLine($"  {inst.Name} {Name(target)}");
        }
        return 0;
    }

    /// <summary>
    /// Where the non-redundant instances of a set of nodes to be rebooted can go: node by node,
    /// newest instance first, each to the first node (in node order) of its group, outside the
    /// set, with memory and disk left for it. Every set starts from the cluster as loaded
    /// (instances come back after each reboot).
    /// </summary>
    private sealed class RebootEvacuation(ClusterData cd)
    {
        public List<(Instance Instance, int Target)>? Moves(IReadOnlyList<int> set)
        {
            var members = set.ToHashSet();
            var nodes = cd.Nodes;
            var freeMem = nodes.Select(n => n.State.FMem).ToArray();
            var freeDsk = nodes.Select(n => n.State.FDsk).ToArray();
            var moves = new List<(Instance, int)>();
            var victims = members.Order()
                .SelectMany(n => cd.Instances.Where(i => i.PNode == n && !i.HasSecondary).Reverse());
            foreach (var inst in victims)
            {
                int mem = inst.UsesMemory ? inst.Mem : 0;
                int dsk = inst.UsesLocalStorage ? inst.Dsk : 0;
                int group = nodes[inst.PNode].Group;
                var target = nodes.FirstOrDefault(n => !n.Offline && n.Group == group && !members.Contains(n.Index)
                    && freeMem[n.Index] - mem > 0 && (dsk == 0 || freeDsk[n.Index] - dsk > 0));
                if (target is null) return null;
                freeMem[target.Index] -= mem;
                freeDsk[target.Index] -= dsk;
                moves.Add((inst, target.Index));
            }
            return moves.OrderBy(m => m.Item1.Index).ToList();
        }
    }
}
