using Ganeti.HTools.Balancing;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;

namespace Ganeti.HTools.Allocation;

/// <summary>
/// Global N+1 redundancy (hail's and hspace's capacity check): every node can be evacuated,
/// as Ganeti decides it.
/// <list type="number">
/// <item>Its drbd primaries fail over to their secondaries (soft limits ignored), newest first.</item>
/// <item>Its instances that can move elsewhere without their disks (diskless, shared file,
/// rbd, ext, gluster) then move, newest first, each to the node of its group (offline ones
/// included) that leaves the group's score lowest, the later node on a tie; the instance
/// leaves the failed node.</item>
/// <item>Its instances that cannot (plain, file, block) are recreated, largest memory first
/// (newest first between equals), each on the node of the group that passes its instance
/// policy, has the room for it and leaves the whole cluster's score lowest, the later node on
/// a tie; the failed node keeps its own copy.</item>
/// </list>
/// Only room counts for these moves (memory, disk, exclusive-storage spindles), not the soft
/// limits of an allocation such as the vcpu ratio: a small instance moved first to the roomiest
/// node can leave no node for a larger one moved after it.
/// </summary>
public static class GlobalN1
{
    /// <summary>
    /// Whether every node can be evacuated; with <paramref name="acceptExisting"/> offline nodes
    /// need not be, and the nodes of <paramref name="ignoredGroups"/> are not checked.
    /// </summary>
    public static bool Redundant(ClusterData cd, bool acceptExisting = false, IReadOnlyCollection<int>? ignoredGroups = null)
        => FirstUnevacuable(cd, acceptExisting, ignoredGroups) < 0;

    /// <summary>
    /// The first node (as <see cref="Redundant"/> checks them, <paramref name="tryFirst"/> before
    /// the others) that cannot be evacuated, or -1 when every node can. Checking first the node
    /// that failed last time makes most refusals cost one node's evacuation, not the cluster's.
    /// </summary>
    public static int FirstUnevacuable(ClusterData cd, bool acceptExisting = false, IReadOnlyCollection<int>? ignoredGroups = null, int tryFirst = -1)
    {
        bool Checked(Node n) => !(acceptExisting && n.Offline) && !(ignoredGroups is not null && ignoredGroups.Contains(n.Group));
        var c = Cluster.Of(cd);
        if (tryFirst >= 0 && tryFirst < cd.Nodes.Count && Checked(cd.Nodes[tryFirst]) && !CanEvacuate(cd, c, cd.Nodes[tryFirst], null)) return tryFirst;
        foreach (var n in cd.Nodes)
        {
            if (n.Index == tryFirst || !Checked(n)) continue;
            if (!CanEvacuate(cd, c, n, null)) return n.Index;
        }
        return -1;
    }

    /// <summary>
    /// Whether every node of one group can be evacuated, the group considered alone (its own
    /// nodes make up the score that picks where recreated instances go).
    /// </summary>
    public static bool RedundantGroup(ClusterData cd, int group, bool acceptExisting = false)
    {
        var members = cd.Nodes.Where(x => x.Group == group).Select(x => x.Index).ToArray();
        var c = Cluster.Of(cd);
        foreach (var i in members)
        {
            var n = cd.Nodes[i];
            if (acceptExisting && n.Offline) continue;
            if (!CanEvacuate(cd, c, n, members)) return false;
        }
        return true;
    }

    /// <summary>Whether the drbd primaries of <paramref name="n"/> can all fail over to their secondaries.</summary>
    public static bool CanFailOver(ClusterData cd, Node n)
    {
        var extraMem = new Dictionary<int, int>();
        foreach (var idx in n.PList)
        {
            var i = cd.Instances[idx];
            if (i.DiskTemplate != DiskTemplate.Drbd) continue;
            if (i.SNode < 0) return false;
            var s = cd.Nodes[i.SNode].State;
            int add = (extraMem.TryGetValue(i.SNode, out var m) ? m : 0) + (i.UsesMemory ? i.Mem : 0);
            if (s.UnallocatedMem - add <= 0) return false;
            extraMem[i.SNode] = add;
        }
        return true;
    }

    /// <summary>
    /// Whether node <paramref name="n"/> can be evacuated. Recreated instances go where they leave
    /// the score of <paramref name="scope"/> lowest (the whole cluster unless given).
    /// </summary>
    public static bool CanEvacuate(ClusterData cd, Node n, IReadOnlyList<int>? scope = null) => CanEvacuate(cd, Cluster.Of(cd), n, scope);

    /// <summary>
    /// What every node's evacuation needs to know of the cluster, worked out once per check of
    /// many nodes: the node array, whether any instance has exclusion tags (then tag conflicts
    /// and the location-exclusion map follow the instances as they move) and any node location tags.
    /// </summary>
    private readonly record struct Cluster(Node[] Nodes, bool Tagged, bool AnyLocation)
    {
        public static Cluster Of(ClusterData cd)
        {
            var nodes = cd.Nodes.ToArray();
            return new Cluster(nodes, cd.Instances.Any(x => x.ExclTags.Length > 0), nodes.Any(x => x.LocationTags.Count > 0));
        }
    }

    private static bool CanEvacuate(ClusterData cd, Cluster c, Node n, IReadOnlyList<int>? scope)
    {
        var nodes = c.Nodes;
        // Ganeti lists a node's primaries newest first; PList holds them in the order they came.
        var primaries = Enumerable.Range(0, n.PList.Count).Select(k => cd.Instances[n.PList[n.PList.Count - 1 - k]]).ToList();
        if (primaries.Count == 0) return true;
        // With exclusion tags, the nodes' lists change as instances move (and are restored after).
        bool tagged = c.Tagged;
        bool useMap = tagged && c.AnyLocation;
        var lists = new Dictionary<int, Node.Saved>();
        void MovePrimary(Instance i, int from, int to)
        {
            if (!tagged) return;
            foreach (var x in from >= 0 ? new[] { from, to } : new[] { to })
                lists.TryAdd(x, nodes[x].Save());
            if (from >= 0) nodes[from].CommitRemovePri(i);
            nodes[to].CommitAddPri(i);
        }
        var saved = new NodeState[nodes.Length];
        for (int k = 0; k < nodes.Length; k++) saved[k] = nodes[k].State;
        try
        {
            var sim = new MoveSimulator(nodes, c.AnyLocation);
            var t = new Touched();
            foreach (var i in primaries.Where(i => i.DiskTemplate == DiskTemplate.Drbd))
            {
                if (i.SNode < 0 || !sim.Simulate(i, Move.Failover, true, ref t)) return false;
                Commit(nodes, t);
                MovePrimary(i, n.Index, i.SNode);
            }
            var group = nodes.Where(x => x.Group == n.Group).Select(x => x.Index).ToArray();
            var escape = group.Where(x => x != n.Index).ToArray();
            var movable = primaries.Where(i => i.DiskTemplate != DiskTemplate.Drbd && MovesWithoutDisks(i.DiskTemplate)).ToList();
            if (movable.Count > 0)
            {
                var board = new ScoreBoard(nodes, group, useMap);
                foreach (var i in movable)
                {
                    Touched best = default;
                    int bestNode = -1;
                    double bestScore = double.PositiveInfinity;
                    foreach (var e in escape)
                    {
                        if (!sim.Simulate(i, new Move(MoveKind.FailoverToAny, e), true, ref t)) continue;
                        double sc = board.Evaluate(t, board.MapDelta(i, n.Index, e));
                        if (bestNode < 0 || sc <= bestScore) { bestNode = e; bestScore = sc; best = t; }
                    }
                    if (bestNode < 0) return false;
                    Commit(nodes, best);
                    MovePrimary(i, n.Index, bestNode);
                    board.Recompute();
                }
            }
            var recreated = primaries.Where(i => i.DiskTemplate != DiskTemplate.Drbd && !MovesWithoutDisks(i.DiskTemplate))
                .OrderByDescending(i => i.Mem).ToList();
            if (recreated.Count > 0)
            {
                var board = new ScoreBoard(nodes, scope ?? Enumerable.Range(0, nodes.Length).ToArray(), useMap);
                foreach (var i in recreated)
                {
                    int best = -1;
                    NodeState bestState = default;
                    double bestScore = double.PositiveInfinity;
                    foreach (var e in escape)
                    {
                        if (PolicyCheck.MatchesPolicy(i, nodes[e].Policy, nodes[e].State.ExclStorage) != FailMode.None) continue;
                        t.Reset();
                        ref var st = ref t.Get(nodes, e);
                        if (st.AddPri(nodes[e], i, true) != FailMode.None) continue;
                        double sc = board.Evaluate(t, board.MapDelta(i, -1, e));
                        if (best < 0 || sc <= bestScore) { bestScore = sc; best = e; bestState = st; }
                    }
                    if (best < 0) return false;
                    nodes[best].State = bestState;
                    MovePrimary(i, -1, best);
                    board.Recompute();
                }
            }
            return true;
        }
        finally
        {
            for (int k = 0; k < nodes.Length; k++) nodes[k].State = saved[k];
            foreach (var (x, l) in lists) nodes[x].Restore(l with { State = saved[x] });
        }
    }

    /// <summary>Whether instances of the template can change primary without moving disks (Ganeti's movable templates).</summary>
    private static bool MovesWithoutDisks(DiskTemplate t)
        => t is DiskTemplate.Diskless or DiskTemplate.SharedFile or DiskTemplate.Rbd or DiskTemplate.Ext or DiskTemplate.Gluster;

    private static void Commit(Node[] nodes, in Touched t)
    {
        for (int k = 0; k < t.Count; k++) nodes[t.IndexAt(k)].State = t.StateAt(k);
    }
}
