using Ganeti.HTools.Model;

namespace Ganeti.HTools.Allocation;

/// <summary>
/// Global N+1 redundancy (hail's capacity check): every node can be evacuated, i.e. its
/// drbd primaries fail over to their secondaries and all its other primaries (diskless,
/// plain, file, and also externally mirrored ones, which Ganeti counts the same way) find
/// room on the other nodes of its group.
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

    public static bool CanEvacuate(ClusterData cd, Node n)
    {
        var extraMem = new Dictionary<int, int>();
        var extraDsk = new Dictionary<int, int>();
        var plain = new List<Instance>();
        foreach (var idx in n.PList)
        {
            var i = cd.Instances[idx];
            if (i.DiskTemplate == DiskTemplate.Drbd)
            {
                if (i.SNode < 0) return false;
                var s = cd.Nodes[i.SNode].State;
                int add = (extraMem.TryGetValue(i.SNode, out var m) ? m : 0) + (i.UsesMemory ? i.Mem : 0);
                if (s.UnallocatedMem - add <= 0) return false;
                extraMem[i.SNode] = add;
            }
            else plain.Add(i);
        }
        if (plain.Count == 0) return true;
        var escape = cd.Nodes.Where(x => x.Group == n.Group && x.Index != n.Index).ToList();
        foreach (var i in plain.OrderByDescending(i => i.Mem))
        {
            Node? best = null;
            int bestFree = int.MinValue;
            foreach (var e in escape)
            {
                int free = e.State.UnallocatedMem - (extraMem.TryGetValue(e.Index, out var m) ? m : 0) - (i.UsesMemory ? i.Mem : 0);
                int dsk = e.State.FDsk - (extraDsk.TryGetValue(e.Index, out var d) ? d : 0) - (i.UsesLocalStorage ? i.Dsk : 0);
                if (free <= 0 || (i.UsesLocalStorage && dsk <= 0)) continue;
                if (free > bestFree) { bestFree = free; best = e; }
            }
            if (best is null) return false;
            extraMem[best.Index] = (extraMem.TryGetValue(best.Index, out var bm) ? bm : 0) + (i.UsesMemory ? i.Mem : 0);
            extraDsk[best.Index] = (extraDsk.TryGetValue(best.Index, out var bd) ? bd : 0) + (i.UsesLocalStorage ? i.Dsk : 0);
        }
        return true;
    }
}
