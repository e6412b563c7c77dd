using Ganeti.HTools.Model;

namespace Ganeti.HTools.Capacity;

/// <summary>
/// The cluster as hroller's evacuation planning changes it: per node index a slot holding a
/// node's resources and instance lists (newest instance first, as Ganeti keeps them), and
/// where each instance's primary and secondary are. Every change is checked the way Ganeti
/// forces a move: only memory, disk and spindles can refuse it. A failed change leaves the
/// configuration as it was.
/// </summary>
/// <remarks>
/// Replacing a secondary overwrites the old secondary's slot with a copy of the primary's
/// (which loses that secondary and gives the slot the primary's name). Ganeti's hroller does
/// this, and the slot shows through in the printed moves when an instance later lands on it,
/// so it is kept to print the same plans.
/// </remarks>
public sealed class RebootConfiguration
{
    private sealed class Slot
    {
        public int Identity;
        public NodeState State;
        public List<int> PList = new();
        public List<int> SList = new();

        public Slot Copy() => new() { Identity = Identity, State = State, PList = new List<int>(PList), SList = new List<int>(SList) };
    }

    private readonly ClusterData _cd;
    private readonly Slot[] _slots;
    private readonly int[] _pnode;
    private readonly int[] _snode;

    private RebootConfiguration(ClusterData cd, Slot[] slots, int[] pnode, int[] snode)
    {
        _cd = cd;
        _slots = slots;
        _pnode = pnode;
        _snode = snode;
    }

    /// <summary>The cluster as loaded.</summary>
    public static RebootConfiguration FromCluster(ClusterData cd)
    {
        var slots = cd.Nodes.Select(n => new Slot
        {
            Identity = n.Index,
            State = n.State,
            PList = Enumerable.Reverse(n.PList).ToList(),
            SList = Enumerable.Reverse(n.SList).ToList(),
        }).ToArray();
        return new RebootConfiguration(cd, slots,
            cd.Instances.Select(i => i.PNode).ToArray(), cd.Instances.Select(i => i.SNode).ToArray());
    }

    public RebootConfiguration Copy()
        => new(_cd, _slots.Select(s => s.Copy()).ToArray(), (int[])_pnode.Clone(), (int[])_snode.Clone());

    /// <summary>The group of the node held in a slot.</summary>
    public int GroupOf(int node) => _cd.Nodes[_slots[node].Identity].Group;

    /// <summary>The node whose name a slot shows (itself unless a secondary replacement overwrote it).</summary>
    public int IdentityOf(int node) => _slots[node].Identity;

    public int PrimaryOf(int instance) => _pnode[instance];

    public int SecondaryOf(int instance) => _snode[instance];

    /// <summary>The node's primary instances without a secondary, newest first.</summary>
    public List<int> NonRedundant(int node) => _slots[node].PList.Where(i => !_cd.Instances[i].HasSecondary).ToList();

    /// <summary>The node's primary instances with a secondary, newest first.</summary>
    public List<int> RedundantPrimaries(int node) => _slots[node].PList.Where(i => _cd.Instances[i].HasSecondary).ToList();

    /// <summary>The instances the node is secondary of, newest first.</summary>
    public List<int> Secondaries(int node) => _slots[node].SList.ToList();

    private Node NodeOf(Slot s) => _cd.Nodes[s.Identity];

    /// <summary>Moves an instance's primary to <paramref name="target"/> (its secondary, if any, stays).</summary>
    public bool TryMove(int instance, int target)
    {
        var inst = _cd.Instances[instance];
        int from = _pnode[instance];
        var to = _slots[target];
        var added = to.State;
        if (added.AddPri(NodeOf(to), inst, force: true, tags: false) != FailMode.None) return false;
        var old = _slots[from];
        var removed = old.State;
        removed.RemovePri(NodeOf(old), inst, tags: false);
        to.State = added;
        if (!inst.Forthcoming) to.PList.Insert(0, instance);
        old.State = removed;
        old.PList.Remove(instance);
        _pnode[instance] = target;
        return true;
    }

    /// <summary>Swaps an instance's primary and secondary.</summary>
    public bool TryMigrate(int instance)
    {
        var inst = _cd.Instances[instance];
        int p = _pnode[instance], s = _snode[instance];
        if (s == Instance.NoNode) return false;
        var ps = _slots[p];
        var ss = _slots[s];
        var newSec = ss.State;
        newSec.RemoveSec(NodeOf(ss), inst);
        if (newSec.AddPri(NodeOf(ss), inst, force: true, tags: false) != FailMode.None) return false;
        var newPri = ps.State;
        newPri.RemovePri(NodeOf(ps), inst, tags: false);
        if (newPri.AddSec(NodeOf(ps), inst, s, force: true) != FailMode.None) return false;
        ss.State = newSec;
        ss.SList.Remove(instance);
        if (!inst.Forthcoming) ss.PList.Insert(0, instance);
        ps.State = newPri;
        ps.PList.Remove(instance);
        if (!inst.Forthcoming) ps.SList.Insert(0, instance);
        _pnode[instance] = s;
        _snode[instance] = p;
        return true;
    }

    /// <summary>Gives an instance a new secondary, <paramref name="target"/> (never its primary).</summary>
    public bool TryReplaceSecondary(int instance, int target)
    {
        var inst = _cd.Instances[instance];
        int p = _pnode[instance], old = _snode[instance];
        if (p == target || old == Instance.NoNode) return false;
        var to = _slots[target];
        var added = to.State;
        if (added.AddSec(NodeOf(to), inst, p, force: true) != FailMode.None) return false;
        var overwritten = _slots[p].Copy();
        overwritten.SList.Remove(instance);
        overwritten.State.RemoveSec(NodeOf(overwritten), inst);
        to.State = added;
        if (!inst.Forthcoming) to.SList.Insert(0, instance);
        _slots[old] = overwritten;
        _snode[instance] = target;
        return true;
    }

    /// <summary>
    /// The instances placed differently here than in <paramref name="initial"/>, by instance
    /// index; an instance whose primary and secondary merely swapped has not moved.
    /// </summary>
    public List<RebootMove> MovesSince(RebootConfiguration initial)
    {
        var moves = new List<RebootMove>();
        foreach (var inst in _cd.Instances)
        {
            int i = inst.Index;
            int p0 = initial._pnode[i], s0 = initial._snode[i], p1 = _pnode[i], s1 = _snode[i];
            if (p0 == p1 && (!inst.HasSecondary || s0 == s1)) continue;
            if (p1 == s0 && s1 == p0) continue;
            moves.Add(new RebootMove(inst, _slots[p1].Identity,
                inst.HasSecondary && s1 != Instance.NoNode ? _slots[s1].Identity : null));
        }
        return moves;
    }
}
