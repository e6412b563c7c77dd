using Ganeti.HTools.Model;

namespace Ganeti.HTools.Capacity;

/// <summary>
/// hroller's reboot groups: nodes that share no instance (and are not primaries of instances
/// with a common secondary) can be rebooted together; found by greedy graph colouring.
/// </summary>
public static class RebootGroups
{
    public static List<List<int>> Compute(ClusterData cd, IEnumerable<int> nodes)
    {
        var set = nodes.ToHashSet();
        var adj = set.ToDictionary(n => n, _ => new HashSet<int>());
        void Edge(int a, int b) { if (a != b && set.Contains(a) && set.Contains(b)) { adj[a].Add(b); adj[b].Add(a); } }
        foreach (var i in cd.Instances)
            if (i.HasSecondary && i.SNode >= 0) Edge(i.PNode, i.SNode);
        foreach (var n in cd.Nodes)
        {
            var prims = n.SList.Select(x => cd.Instances[x].PNode).Distinct().ToList();
            foreach (var a in prims) foreach (var b in prims) Edge(a, b);
        }
        // Colour the most constrained nodes first.
        var order = set.OrderByDescending(n => adj[n].Count).ThenBy(n => n).ToList();
        var colour = new Dictionary<int, int>();
        foreach (var n in order)
        {
            var used = adj[n].Where(colour.ContainsKey).Select(x => colour[x]).ToHashSet();
            int c = 0;
            while (used.Contains(c)) c++;
            colour[n] = c;
        }
        return colour.GroupBy(kv => kv.Value).OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .Select(g => g.Select(kv => kv.Key).OrderBy(x => x).ToList()).ToList();
    }
}
