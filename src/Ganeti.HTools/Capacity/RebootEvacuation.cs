namespace Ganeti.HTools.Capacity;

/// <summary>
/// hroller's evacuation planning: how reboot groups are split so that everything that must
/// leave their nodes finds room elsewhere at once. Nodes are cleared greedily in order; an
/// instance goes to the first candidate (in node order, same group as the node being cleared)
/// that takes it. The candidates are all online nodes but those already cleared in the part,
/// so a node cleared later in the part may first receive instances and then pass them on.
/// </summary>
public static class RebootEvacuation
{
    /// <summary>
    /// Splits <paramref name="nodes"/> into parts: the first part is every node that can be
    /// cleared together (greedily, in order), the next one is taken from the rest, and so on,
    /// each starting from <paramref name="start"/>. Null when some nodes cannot be cleared even
    /// alone.
    /// </summary>
    public static List<RebootPart>? Partition(IReadOnlyList<int> nodes, IReadOnlyList<int> targets,
        RebootConfiguration start, RebootClearing what)
    {
        var parts = new List<RebootPart>();
        var remaining = nodes.ToList();
        while (remaining.Count > 0)
        {
            var (cleared, conf) = Clear(remaining, targets, start, what);
            if (cleared.Count == 0) return null;
            parts.Add(new RebootPart(cleared, conf));
            var left = remaining.ToList();
            foreach (var n in cleared) left.Remove(n);
            remaining = left;
        }
        return parts;
    }

    /// <summary>
    /// Clears nodes one after the other where that is possible on top of the ones already
    /// cleared; returns the nodes cleared and the configuration afterwards.
    /// </summary>
    public static (List<int> Cleared, RebootConfiguration Configuration) Clear(IReadOnlyList<int> nodes,
        IReadOnlyList<int> targets, RebootConfiguration start, RebootClearing what)
    {
        var cleared = new List<int>();
        var conf = start;
        var open = targets.ToList();
        foreach (var node in nodes)
        {
            var others = open.ToList();
            others.Remove(node);
            int group = conf.GroupOf(node);
            var candidates = others.Where(t => conf.GroupOf(t) == group).ToList();
            var attempt = conf.Copy();
            bool done = what == RebootClearing.NonRedundant
                ? conf.NonRedundant(node).All(i => candidates.Any(t => attempt.TryMove(i, t)))
                : conf.Secondaries(node).All(i => candidates.Any(t => attempt.TryReplaceSecondary(i, t)));
            if (!done) continue;
            cleared.Add(node);
            conf = attempt;
            open = others;
        }
        return (cleared, conf);
    }

    /// <summary>
    /// Migrates every redundant instance off the nodes (taken from the configuration before
    /// any of them moved, node by node, newest first); null if a secondary cannot take one.
    /// </summary>
    public static RebootConfiguration? MigrateOff(IReadOnlyList<int> nodes, RebootConfiguration start)
    {
        var instances = nodes.SelectMany(start.RedundantPrimaries).ToList();
        var conf = start.Copy();
        foreach (var i in instances)
            if (!conf.TryMigrate(i)) return null;
        return conf;
    }
}
