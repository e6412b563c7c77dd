using Ganeti.HTools.Capacity;
using Ganeti.HTools.Model;

namespace Ganeti.HTools.Cli;

public static partial class HToolsCli
{
    /// <summary>
    /// hroller: groups of nodes that can be rebooted at the same time, largest first and the
    /// master's group last, as Ganeti's hroller prints them. Secondaries are replaced correctly
    /// unless <paramref name="reproduceGanetiSlotBug"/> (see <see cref="RebootConfiguration"/>).
    /// </summary>
    private static int RunHroller(CliOptions o, TextWriter output, TextWriter err, bool reproduceGanetiSlotBug)
    {
        if (o.Args.Count > 0) return Fail(err, "Error: This program doesn't take any arguments.");
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

        // Each group must be able to send its non-redundant instances elsewhere at once, and
        // with full evacuation also migrate its redundant instances and find new secondaries
        // for the ones it keeps. As in Ganeti, this is planned on the whole colour (nodes
        // between the selected ones included), and the groups are reduced to the selected
        // nodes (possibly to none) after.
        var initial = RebootConfiguration.FromCluster(cd, reproduceGanetiSlotBug);
        var targets = cd.Nodes.Where(n => !n.Offline).Select(n => n.Index).ToList();
        var parts = new List<RebootPart>();
        foreach (var c in classes)
        {
            if (o.IgnoreNonRedundant) { parts.Add(new RebootPart(c, initial)); continue; }
            var split = RebootEvacuation.Partition(c, targets, initial, RebootClearing.NonRedundant);
            if (split is null) return Fail(err, "Error: Not enough capacity to move non-redundant instances");
            parts.AddRange(split);
        }
        if (o.FullEvacuation)
        {
            var migrated = new List<RebootPart>();
            foreach (var p in parts)
            {
                var conf = RebootEvacuation.MigrateOff(p.Nodes, p.Configuration);
                if (conf is null) return Fail(err, "Error: Failed to migrate instances off nodes");
                migrated.Add(p with { Configuration = conf });
            }
            parts = new List<RebootPart>();
            foreach (var p in migrated)
            {
                var split = RebootEvacuation.Partition(p.Nodes, targets, p.Configuration, RebootClearing.Secondaries);
                if (split is null) return Fail(err, "Error: Not enough capacity to move secondaries");
                parts.AddRange(split);
            }
        }
        if (o.Verbose > 1) output.WriteLine(RebootGroups.Summary(colorings));
        var sel = selected.ToHashSet();
        var shown = parts.Select(p => p.Nodes.Where(sel.Contains).ToList()).ToList();
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
            // The moves are those of the whole part, unselected nodes included; each instance
            // is shown where it ends up, its secondary too if it has one.
            foreach (var m in parts[k].Configuration.MovesSince(initial))
                output.WriteLine(m.Secondary is int s
                    ? $"  {m.Instance.Name} {Name(m.Primary)} {Name(s)}"
                    : $"  {m.Instance.Name} {Name(m.Primary)}");
        }
        return 0;
    }
}
