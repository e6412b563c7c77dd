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
/// Replacing a secondary takes the instance off the old secondary, which keeps its own name
/// and resources. Ganeti 3.0.2's hroller instead overwrites the old secondary with a copy of
/// the primary (it looks up the primary where it means the old secondary): the plan then names
/// the primary where an instance later lands on the old secondary, and is made on the primary's
/// resources there. That bug is reproduced only when asked for (<c>reproduceGanetiSlotBug</c>
/// of <see cref="FromCluster"/>), so that tests can show every other step matches Ganeti's
/// plans; nothing on the command line asks for it.
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

    private RebootConfiguration(ClusterData cd, Slot[] slots, int[] pnode, int[] snode, bool reproduceGanetiSlotBug)
    {
        _cd = cd;
        _slots = slots;
        _pnode = pnode;
        _snode = snode;
        ReproducesGanetiSlotBug = reproduceGanetiSlotBug;
    }

    /// <summary>
    /// Whether replacing a secondary overwrites the old secondary with a copy of the primary,
    /// as Ganeti 3.0.2's hroller does (see the remarks on <see cref="RebootConfiguration"/>).
    /// </summary>
    public bool ReproducesGanetiSlotBug { get; }

    /// <summary>The cluster as loaded.</summary>
    /// <param name="cd">The loaded cluster.</param>
    /// <param name="reproduceGanetiSlotBug">
    /// Replace secondaries as Ganeti 3.0.2's hroller does, overwriting the old secondary with a
    /// copy of the primary, to print Ganeti's plans byte for byte; false (the default) takes
    /// the instance off the old secondary and nothing else.
    /// </param>
    public static RebootConfiguration FromCluster(ClusterData cd, bool reproduceGanetiSlotBug = false)
    {
        var slots = cd.Nodes.Select(n => new Slot
        {
            Identity = n.Index,
            State = n.State,
            PList = Enumerable.Reverse(n.PList).ToList(),
            SList = Enumerable.Reverse(n.SList).ToList(),
        }).ToArray();
        return new RebootConfiguration(cd, slots,
            cd.Instances.Select(i => i.PNode).ToArray(), cd.Instances.Select(i => i.SNode).ToArray(),
            reproduceGanetiSlotBug);
    }

    public RebootConfiguration Copy()
        => new(_cd, _slots.Select(s => s.Copy()).ToArray(), (int[])_pnode.Clone(), (int[])_snode.Clone(), ReproducesGanetiSlotBug);

    /// <summary>The group of the node held in a slot.</summary>
    public int GroupOf(int node) => _cd.Nodes[_slots[node].Identity].Group;

    /// <summary>
    /// The node whose name and resources a slot holds: itself, unless <see cref="ReproducesGanetiSlotBug"/>
    /// and a secondary replacement overwrote it with the instance's primary.
    /// </summary>
    public int IdentityOf(int node) => _slots[node].Identity;

    /// <summary>The resources and counts of the node held in a slot.</summary>
    public NodeState StateOf(int node) => _slots[node].State;

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

    /// <summary>
    /// Gives an instance a new secondary, <paramref name="target"/> (never its primary nor its
    /// current secondary); the old secondary loses the instance. With
    /// <see cref="ReproducesGanetiSlotBug"/> the old secondary is overwritten with a copy of the
    /// primary instead, as Ganeti 3.0.2's hroller does.
    /// </summary>
    public bool TryReplaceSecondary(int instance, int target)
    {
        var inst = _cd.Instances[instance];
        int p = _pnode[instance], old = _snode[instance];
        if (p == target || old == Instance.NoNode) return false;
        if (!ReproducesGanetiSlotBug && old == target) return false;
        var to = _slots[target];
        var added = to.State;
        if (added.AddSec(NodeOf(to), inst, p, force: true) != FailMode.None) return false;
        // Ganeti takes the node it removes the secondary from at the primary's index.
        var left = ReproducesGanetiSlotBug ? _slots[p].Copy() : _slots[old];
        var removed = left.State;
        removed.RemoveSec(NodeOf(left), inst);
        to.State = added;
        if (!inst.Forthcoming) to.SList.Insert(0, instance);
        left.State = removed;
        left.SList.Remove(instance);
        _slots[old] = left;
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
