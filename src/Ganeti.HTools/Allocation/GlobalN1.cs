using Ganeti.HTools.Balancing;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;

namespace Ganeti.HTools.Allocation;

/// <summary>
/// Global N+1 redundancy (hail's capacity check): every node can be evacuated. Its drbd
/// primaries fail over to their secondaries, which must have the memory for them; then its
/// other primaries move one by one, each to the node of its group (offline ones included)
/// that takes it and leaves the other nodes' score lowest: first the diskless and externally
/// mirrored ones, the most recently added first, then the plain and file ones, largest memory
/// first. Only room counts for these moves (memory, disk, exclusive-storage spindles), not the
/// soft limits of an allocation such as the vcpu ratio. This is how hspace decides, as crafted
/// clusters show (see HspaceComparisonTests): a small instance moved first to the roomiest node
/// can leave no node for a larger one moved after it.
/// </summary>
public static class GlobalN1
{
    public static bool Redundant(ClusterData cd, bool acceptExisting = false)
    {
        foreach (var n in cd.Nodes)
        {
            if (acceptExisting && n.Offline) continue;
            if (!CanEvacuate(cd, n)) return false;
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

    public static bool CanEvacuate(ClusterData cd, Node n)
    {
        if (!CanFailOver(cd, n)) return false;
        var others = new List<Instance>();
        foreach (var idx in n.PList)
            if (cd.Instances[idx].DiskTemplate != DiskTemplate.Drbd) others.Add(cd.Instances[idx]);
        if (others.Count == 0) return true;
        var nodes = cd.Nodes.ToArray();
        var saved = new NodeState[nodes.Length];
        for (int k = 0; k < nodes.Length; k++) saved[k] = nodes[k].State;
        try
        {
            foreach (var idx in n.PList)
            {
                var i = cd.Instances[idx];
                if (i.DiskTemplate != DiskTemplate.Drbd) continue;
                var sn = nodes[i.SNode];
                var ss = sn.State;
                ss.RemoveSec(sn, i);
                ss.AddPri(sn, i, true, false);
                sn.State = ss;
            }
            var escape = nodes.Where(x => x.Group == n.Group && x.Index != n.Index).Select(x => x.Index).ToArray();
            var board = new ScoreBoard(nodes, escape, false);
            var t = new Touched();
            // PList holds the primaries in the order they were added: diskless and externally
            // mirrored instances move the most recently added first, then the plain and file
            // ones, largest memory first (the sort is stable).
            others.Reverse();
            static bool Local(Instance x) => x.DiskTemplate is DiskTemplate.Plain or DiskTemplate.File;
            foreach (var i in others.Where(x => !Local(x)).Concat(others.Where(Local).OrderByDescending(x => x.Mem)).ToList())
            {
                int best = -1;
                NodeState bestState = default;
                double bestScore = double.PositiveInfinity;
                foreach (var e in escape)
                {
                    t.Reset();
                    ref var st = ref t.Get(nodes, e);
                    if (st.AddPri(nodes[e], i, true, false) != FailMode.None) continue;
                    double sc = board.Evaluate(t, 0);
                    if (sc < bestScore) { bestScore = sc; best = e; bestState = st; }
                }
                if (best < 0) return false;
                nodes[best].State = bestState;
                board.Recompute();
            }
            return true;
        }
        finally
        {
            for (int k = 0; k < nodes.Length; k++) nodes[k].State = saved[k];
        }
    }
}
