using Ganeti.HTools.Model;

namespace Ganeti.HTools.Capacity;

/// <summary>The graph colouring heuristics hroller tries, in the order it prefers them on a tie.</summary>
public enum ColoringAlgorithm { LF, Dsatur, Dcolor }

/// <summary>
/// hroller's node graph: vertices are the node indices from the lowest to the highest selected
/// node (unselected ones in between stay isolated); every redundant instance links its primary
/// and secondary (once per instance); unless maintenance is offline, primaries that share a
/// secondary are linked too (once per pair, a node with itself included) where no instance
/// already links them.
/// </summary>
public sealed class RebootGraph
{
    public int Low { get; }
    public int High { get; }
    private readonly List<int>[] _adj;

    private RebootGraph(int low, int high)
    {
        Low = low;
        High = high;
        _adj = new List<int>[Math.Max(0, high - low + 1)];
        for (int i = 0; i < _adj.Length; i++) _adj[i] = new List<int>();
    }

    public int VertexCount => _adj.Length;

    /// <summary>The neighbours of a vertex, with one entry per edge (so repeated neighbours count again).</summary>
    public IReadOnlyList<int> Neighbours(int v) => _adj[v - Low];

    public int Degree(int v) => _adj[v - Low].Count;

    public IEnumerable<int> Vertices => Enumerable.Range(Low, _adj.Length);

    public static RebootGraph Build(ClusterData cd, IReadOnlyCollection<int> selected, bool offlineMaintenance)
    {
        if (selected.Count == 0) return new RebootGraph(0, -1);
        var g = new RebootGraph(selected.Min(), selected.Max());
        var sel = selected.ToHashSet();
        var linked = new HashSet<(int, int)>();
        foreach (var i in cd.Instances)
        {
            if (!i.HasSecondary || i.SNode == Instance.NoNode) continue;
            if (!sel.Contains(i.PNode) || !sel.Contains(i.SNode)) continue;
            g._adj[i.PNode - g.Low].Add(i.SNode);
            g._adj[i.SNode - g.Low].Add(i.PNode);
            linked.Add((i.PNode, i.SNode));
            linked.Add((i.SNode, i.PNode));
        }
        if (offlineMaintenance) return g;
        // Primaries sharing a secondary (wherever that secondary is) cannot both be down while it
        // is. Each secondary's primaries are taken newest instance first, as Ganeti lists them.
        var primariesBySecondary = new SortedDictionary<int, List<int>>();
        foreach (var i in cd.Instances)
        {
            if (!i.HasSecondary || i.SNode == Instance.NoNode || !sel.Contains(i.PNode)) continue;
            if (!primariesBySecondary.TryGetValue(i.SNode, out var list)) primariesBySecondary[i.SNode] = list = new List<int>();
            list.Insert(0, i.PNode);
        }
        var shared = new HashSet<(int, int)>();
        foreach (var all in primariesBySecondary.Values)
        {
            var prims = all.Distinct().ToList();
            foreach (var a in prims)
                foreach (var b in prims)
                    if (!linked.Contains((a, b)) && shared.Add((a, b))) g._adj[a - g.Low].Add(b);
        }
        return g;
    }

    /// <summary>The graph as Ganeti prints it with -v -v (each list newest edge first).</summary>
    public string Show()
    {
        var parts = new List<string>();
        for (int v = 0; v < _adj.Length; v++)
            parts.Add($"({v + Low},[{string.Join(",", Enumerable.Reverse(_adj[v]))}])");
        return $"array ({Low},{High}) [{string.Join(",", parts)}]";
    }

    /// <summary>
    /// Greedy colouring: vertices are taken one at a time in the heuristic's order and get the
    /// smallest colour none of their neighbours has. Returns the colour of each vertex (index = vertex - Low).
    /// </summary>
    public int[] Color(ColoringAlgorithm algorithm)
    {
        int n = _adj.Length;
        var colour = new int[n];
        Array.Fill(colour, -1);
        var done = new bool[n];
        // Dsatur: distinct colours among the neighbours; Dcolor: edges to coloured vertices.
        var satColours = new HashSet<int>[n];
        var colouredEdges = new int[n];
        for (int i = 0; i < n; i++) satColours[i] = new HashSet<int>();
        for (int step = 0; step < n; step++)
        {
            int best = -1;
            for (int i = 0; i < n; i++)
            {
                if (done[i]) continue;
                if (best < 0 || Better(i, best)) best = i;
            }
            var used = new HashSet<int>();
            foreach (var u in _adj[best]) if (colour[u - Low] >= 0) used.Add(colour[u - Low]);
            int c = 0;
            while (used.Contains(c)) c++;
            colour[best] = c;
            done[best] = true;
            foreach (var u in _adj[best])
            {
                int k = u - Low;
                if (k != best) satColours[k].Add(c);
                colouredEdges[k]++;
            }
        }
        return colour;

        // Highest key wins; ties go to the higher degree, then to the higher node index.
        bool Better(int a, int b)
        {
            int ka = Key(a), kb = Key(b);
            if (ka != kb) return ka > kb;
            if (_adj[a].Count != _adj[b].Count) return _adj[a].Count > _adj[b].Count;
            return a > b;
        }
        int Key(int i) => algorithm switch
        {
            ColoringAlgorithm.Dsatur => satColours[i].Count,
            ColoringAlgorithm.Dcolor => colouredEdges[i],
            _ => 0,
        };
    }
}

/// <summary>
/// hroller's reboot groups: nodes that can be rebooted together because no instance needs two
/// of them at once. The node graph is coloured with three heuristics, the one with the fewest
/// colours wins, and each colour becomes a group (split further by
/// <see cref="RebootEvacuation"/> where what must leave its nodes cannot all move at once).
/// </summary>
public static class RebootGroups
{
    public sealed record Coloring(ColoringAlgorithm Algorithm, int[] Colours)
    {
        public int Count => Colours.Length == 0 ? 0 : Colours.Max() + 1;

        public int[] Sizes()
        {
            var s = new int[Count];
            foreach (var c in Colours) s[c]++;
            return s;
        }
    }

    /// <summary>All three colourings, in hroller's order of preference.</summary>
    public static List<Coloring> Colorings(RebootGraph g)
        => Enum.GetValues<ColoringAlgorithm>().Select(a => new Coloring(a, g.Color(a))).ToList();

    /// <summary>The colouring with the fewest colours (the earlier heuristic on a tie).</summary>
    public static Coloring Best(IReadOnlyList<Coloring> all)
    {
        var best = all[0];
        foreach (var c in all.Skip(1)) if (c.Count < best.Count) best = c;
        return best;
    }

    /// <summary>hroller's -v summary: each heuristic's colour count and group sizes, fewest colours first.</summary>
    public static string Summary(IReadOnlyList<Coloring> all)
    {
        var sorted = all.OrderBy(c => c.Count).ThenBy(c => c.Algorithm.ToString(), StringComparer.Ordinal).ToList();
        var sb = new System.Text.StringBuilder();
        for (int k = 0; k < sorted.Count; k++)
        {
            if (k > 0) sb.Append(sorted[k].Count == sorted[k - 1].Count ? " TIE " : " LOOSE ");
            sb.Append($"{sorted[k].Algorithm}: {sorted[k].Count} ({string.Join(",", sorted[k].Sizes())})");
        }
        return sb.ToString();
    }

    /// <summary>The vertices of each colour, in colour order.</summary>
    public static List<List<int>> Classes(RebootGraph g, Coloring c)
    {
        var classes = new List<List<int>>();
        for (int k = 0; k < c.Count; k++) classes.Add(new List<int>());
        for (int i = 0; i < c.Colours.Length; i++) classes[c.Colours[i]].Add(i + g.Low);
        return classes;
    }

    /// <summary>
    /// The order in which hroller prints groups, as indices into <paramref name="groups"/>:
    /// larger groups first (ties keep their order) and the group of the master node last (the
    /// master itself goes last within it).
    /// </summary>
    public static List<int> Order(IReadOnlyList<List<int>> groups, int master)
    {
        var order = Enumerable.Range(0, groups.Count).OrderByDescending(k => groups[k].Count).ToList();
        int m = order.FindIndex(k => groups[k].Contains(master));
        if (m >= 0)
        {
            int k = order[m];
            order.RemoveAt(m);
            order.Add(k);
        }
        return order;
    }
}
