using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;

namespace Ganeti.HTools.Balancing;

/// <summary>
/// Finds the best move of one instance at a time onto a list of target nodes, as
/// <see cref="MoveSimulator.Simulate"/> and <see cref="ScoreBoard.Evaluate"/> would score each
/// move one by one, but cheaper: for the four drbd moves onto a target, what happens on the
/// instance's own nodes (leaving its primary and secondary, and what the move then adds back
/// to them) does not depend on the target, so it is simulated and accumulated once per
/// instance; per target only the target's new state is computed. Lower bounds on the score
/// from the target's change alone (see <see cref="ScoreBoard.PrepareBound"/>), first from what
/// the instance adds to a node and then from the target's simulated state, skip the full
/// score of moves that cannot beat the best so far. The scores of the moves that are scored
/// are bit for bit those of the one-by-one evaluation, and moves are tried in the same order,
/// so the move picked (ties included) is the same. One scorer per worker thread.
/// </summary>
internal sealed class MoveScorer
{
    private const int M = Metrics.Count;
    private readonly Node[] _nodes;
    private readonly MoveSimulator _sim;
    private readonly ScoreBoard _board;
    private readonly BalanceOptions _opt;
    private readonly bool[] _isOnlineMember;
    private readonly double[] _nv = new double[M];
    private readonly double[] _dSum = new double[M];
    private readonly double[] _dSq = new double[M];
    private readonly double[] _srcValues = new double[M];
    /// <summary>What the instance adds to a target as primary and as secondary, in the units of <see cref="Metrics.Scales"/>.</summary>
    private readonly double[] _asPrimary = new double[M], _asSecondary = new double[M];
    private bool _amountsKnown;
    private readonly Side _rs = new(), _rf = new(), _rp = new(), _fr = new();
    /// <summary>Stamped with the current instance's number: targets with a peer entry on its primary (P) or secondary (S).</summary>
    private readonly int[] _peerOnP, _peerOnS;
    private int _stamp;
    private Touched _t;

    public MoveScorer(Node[] nodes, MoveSimulator sim, ScoreBoard board, BalanceOptions opt, bool[] isOnlineMember)
    {
        _nodes = nodes;
        _sim = sim;
        _board = board;
        _opt = opt;
        _isOnlineMember = isOnlineMember;
        _peerOnP = new int[nodes.Length];
        _peerOnS = new int[nodes.Length];
    }

    /// <summary>
    /// What a kind of drbd move does to the instance's primary and secondary, with the
    /// target's influence left out: whether they accept it, their accumulated score deltas,
    /// and the bound prepared from there.
    /// </summary>
    private sealed class Side
    {
        public bool Ok;
        public bool Force;
        public double MapDelta;
        /// <summary>The reservation the node taking the instance's secondary gets when the new primary is none of its peers.</summary>
        public int BaseRMem, RMemBefore;
        /// <summary>Whether the source node whose location score depends on the target counts for that metric.</summary>
        public bool LocCounted;
        /// <summary>
        /// For targets among the peers (whose reservation differs from the prepared one): the
        /// primary's and secondary's states before the step that depends on the target, and
        /// whether everything that does not depend on it passed.
        /// </summary>
        public NodeState Primary, Secondary;
        public bool PeerOk;
        public double Base;
        public readonly double[] Sum = new double[M], Sq = new double[M];
        public readonly double[] Slope = new double[M], Offset = new double[M], Linear = new double[M];
    }

    /// <summary>Score every move one by one (the reference the shared evaluation must equal).</summary>
    public bool OneByOne { get; init; }

    /// <summary>The best improving move of one instance (its failover, or onto one of the targets).</summary>
    /// <param name="bar">A score the caller already has: moves that cannot beat it need not be scored exactly.</param>
    public ScoredMove ScoreInstance(Instance inst, int[] targets, double baseScore, double bar)
    {
        var best = ScoredMove.None(baseScore);
        Begin(inst);
        Span<MoveKind> kinds = stackalloc MoveKind[4];
        int op = inst.PNode, os = inst.SNode;
        var mir = inst.MirrorType;
        bool useSecondary = os >= 0 && _isOnlineMember[os] && _opt.InstanceMoves;
        if (mir == MirrorType.Internal && useSecondary)
            Try(inst, Move.Failover, ref best);
        int nk = 0;
        if (mir == MirrorType.External)
        {
            if (_opt.InstanceMoves) kinds[nk++] = MoveKind.FailoverToAny;
        }
        else if (mir == MirrorType.Internal && _opt.DiskMoves)
        {
            bool primaryDrained = _nodes[op].Offline;
            if (!_opt.InstanceMoves) kinds[nk++] = MoveKind.ReplaceSecondary;
            else if (_opt.RestrictedMigration && !primaryDrained) kinds[nk++] = MoveKind.ReplaceSecondary;
            else if (useSecondary && !_opt.RestrictedMigration)
            {
                kinds[nk++] = MoveKind.ReplaceSecondary; kinds[nk++] = MoveKind.ReplaceAndFailover;
                kinds[nk++] = MoveKind.ReplacePrimary; kinds[nk++] = MoveKind.FailoverAndReplace;
            }
            else if (useSecondary)
            {
                kinds[nk++] = MoveKind.ReplaceSecondary; kinds[nk++] = MoveKind.ReplaceAndFailover;
                kinds[nk++] = MoveKind.FailoverAndReplace;
            }
            else
            {
                kinds[nk++] = MoveKind.ReplaceSecondary; kinds[nk++] = MoveKind.ReplaceAndFailover;
            }
        }
        if (nk == 0) return best;
        bool shared = !OneByOne && mir == MirrorType.Internal && os >= 0 && os != op;
        if (!shared)
        {
            foreach (var tdx in targets)
            {
                if (tdx == op || tdx == os) continue;
                for (int k = 0; k < nk; k++)
                    Try(inst, new Move(kinds[k], tdx), ref best);
            }
            return best;
        }
        Prepare(inst, kinds[..nk]);
        foreach (var tdx in targets)
        {
            if (tdx == op || tdx == os) continue;
            ScoreTarget(inst, kinds[..nk], tdx, bar, ref best);
        }
        return best;
    }

    /// <summary>Simulates and scores one move on its own.</summary>
    public void Try(Instance inst, Move mv, ref ScoredMove best)
    {
        Begin(inst);
        if (!_sim.Simulate(inst, mv, _opt.IgnoreSoftErrors, ref _t)) return;
        for (int k = 0; k < _t.Count; k++)
            if (NewlyFailsN1(_t.IndexAt(k), _t.StateAt(k))) return;
        double mapDelta = mv.Kind == MoveKind.ReplaceSecondary ? 0 : _board.MapDelta(inst, inst.PNode, _t.NewPrimary);
        double score = _board.Evaluate(_t, mapDelta);
        if (score < best.Score) best = new ScoredMove(score, inst.Index, mv);
    }

    /// <summary>
    /// Whether the instance being scored leaves an offline node: Ganeti forces such moves (the
    /// instance is down or unmirrored until it moves), so N+1 is not required of them, here as
    /// in hbal.
    /// </summary>
    private bool _leavesOffline;

    private void Begin(Instance inst) =>
        _leavesOffline = _nodes[inst.PNode].Offline || (inst.SNode >= 0 && _nodes[inst.SNode].Offline);

    private bool NewlyFailsN1(int idx, in NodeState s)
    {
        var n = _nodes[idx];
        return _opt.StrictN1 && !_leavesOffline && !n.Offline && !n.State.FailN1 && s.FailN1;
    }

    /// <summary>Simulates, once per instance, each kind's steps on the primary and the secondary (in <see cref="MoveSimulator.Simulate"/>'s order).</summary>
    private void Prepare(Instance inst, ReadOnlySpan<MoveKind> kinds)
    {
        var n = _nodes;
        int op = inst.PNode, os = inst.SNode;
        bool force = _opt.IgnoreSoftErrors;
        int secMem = inst.UsesSecMem ? inst.Mem : 0;
        _amountsKnown = Amounts(inst, _asPrimary, _asSecondary);
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_peerOnP); Array.Clear(_peerOnS);
            _stamp = 1;
        }
        foreach (var kind in kinds)
        {
            NodeState p = n[op].State, s = n[os].State;
            switch (kind)
            {
                case MoveKind.ReplaceSecondary:
                {
                    // The primary stays; its location score is fixed per target (LocCounted).
                    p.RemovePri(n[op], inst, tags: false);
                    s.RemoveSec(n[os], inst);
                    _rs.Force = n[os].Offline || force;
                    _rs.Ok = p.AddPri(n[op], inst, true, tags: false) == FailMode.None;
                    _rs.LocCounted = _isOnlineMember[op];
                    _rs.MapDelta = 0;
                    Fill(_rs, op, p, os, s);
                    break;
                }
                case MoveKind.ReplaceAndFailover:
                {
                    p.RemovePri(n[op], inst);
                    s.RemoveSec(n[os], inst);
                    _rf.Force = n[os].Offline || force;
                    _rf.RMemBefore = p.RMem;
                    _rf.BaseRMem = Math.Max(p.RMem, secMem);
                    _rf.Primary = p;
                    _rf.Secondary = s;
                    _rf.PeerOk = !NewlyFailsN1(os, s);
                    // Instance.NoNode is nobody's peer: the reservation of a target without a peer entry.
                    _rf.Ok = p.AddSec(n[op], inst, Instance.NoNode, _rf.Force) == FailMode.None;
                    foreach (var key in n[op].Peers.Keys) if (key >= 0) _peerOnP[key] = _stamp;
                    Fill(_rf, op, p, os, s);
                    break;
                }
                case MoveKind.ReplacePrimary:
                {
                    p.RemovePri(n[op], inst);
                    s.RemoveSec(n[os], inst);
                    _rp.Force = n[op].Offline || force;
                    var probe = s;
                    _rp.Ok = Node.CanMigrate(n[op], n[os]) && probe.AddPri(n[os], inst, _rp.Force) == FailMode.None;
                    _rp.Primary = p;
                    _rp.Secondary = s;
                    _rp.PeerOk = _rp.Ok && !NewlyFailsN1(op, p);
                    _rp.RMemBefore = s.RMem;
                    _rp.BaseRMem = Math.Max(s.RMem, secMem);
                    _rp.Ok &= s.AddSec(n[os], inst, Instance.NoNode, _rp.Force) == FailMode.None;
                    foreach (var key in n[os].Peers.Keys) if (key >= 0) _peerOnS[key] = _stamp;
                    Fill(_rp, op, p, os, s);
                    break;
                }
                case MoveKind.FailoverAndReplace:
                {
                    // The secondary becomes the primary; its location score is fixed per target.
                    p.RemovePri(n[op], inst);
                    s.RemoveSec(n[os], inst);
                    _fr.Force = n[op].Offline || force;
                    _fr.Ok = Node.CanMigrate(n[op], n[os]) && s.AddPri(n[os], inst, _fr.Force) == FailMode.None;
                    _fr.LocCounted = _isOnlineMember[os];
                    _fr.MapDelta = _board.MapDelta(inst, op, os);
                    Fill(_fr, op, p, os, s);
                    break;
                }
            }
        }
    }

    /// <summary>
    /// The changes of a target's values when it takes the instance, per unit of
    /// <see cref="Metrics.Scales"/>, as <see cref="NodeState.AddPri"/> and
    /// <see cref="NodeState.AddSec"/> make them. Counts and scores the instance can only raise
    /// (N+1 failures, tag conflicts, location score) are left at 0, which keeps the bound below
    /// the score; so is the reservation, which only rises (see the reserved-memory rise).
    /// </summary>
    internal static bool Amounts(Instance inst, Span<double> p, Span<double> s)
    {
        p.Clear();
        s.Clear();
        // Forthcoming instances change the forthcoming values only; they take the exact path.
        if (inst.Forthcoming || !inst.UsesLocalStorage) return false;
        double vcpus = inst.NotOffline ? inst.Vcpus : 0;
        var u = inst.Util;
        p[0] = inst.UsesMemory ? -inst.Mem : 0;
        p[1] = -inst.Dsk;
        p[6] = vcpus;
        p[7] = u.Cpu; p[8] = u.Mem; p[9] = u.Dsk; p[10] = u.Net;
        p[12] = inst.SpindleUse;
        p[13] = -inst.Mem;
        p[14] = -inst.Dsk;
        p[15] = vcpus;
        p[16] = inst.SpindleUse;
        s[1] = -inst.Dsk;
        s[9] = u.Dsk;
        s[12] = inst.SpindleUse;
        s[14] = -inst.Dsk;
        s[16] = inst.SpindleUse;
        return true;
    }

    /// <summary>
    /// Whether no move of this kind onto the target can beat <paramref name="bar"/>, judged
    /// from the prepared side and the amounts alone, before the target's state is simulated.
    /// </summary>
    private bool CannotWin(Side side, bool asPrimary, int tdx, Instance inst, double srcLocMin, double bar)
        => _amountsKnown && BoundBeforeSimulating(side, asPrimary, tdx, inst, srcLocMin) is var lb && double.IsFinite(lb) && lb > bar + Margin(bar);

    private double BoundBeforeSimulating(Side side, bool asPrimary, int tdx, Instance inst, double srcLocMin)
        => BoundBeforeSimulating(_board, _nodes, side.Base, side.Slope, side.Offset, side.Linear,
            asPrimary ? _asPrimary : _asSecondary, asPrimary, tdx, inst, srcLocMin);

    /// <summary>
    /// The lower bound of a move's score from the prepared side (see <see cref="ScoreBoard.PrepareBound"/>)
    /// and the instance's amounts, without the target's new state; NaN where the amounts do not tell.
    /// </summary>
    internal static double BoundBeforeSimulating(ScoreBoard board, Node[] nodes, double baseValue, double[] slope, double[] offset, double[] linear,
        double[] amounts, bool asPrimary, int tdx, Instance inst, double srcLocMin)
    {
        var node = nodes[tdx];
        // A node marked as failing N+1 may stop failing when its memory is recomputed: its
        // N+1 count can fall, which the amounts leave out.
        if (node.State.FailN1) return double.NaN;
        double rise = 0;
        if (!asPrimary)
        {
            int secMem = inst.UsesSecMem ? inst.Mem : 0;
            rise = Math.Max(0, node.PeerMaxExcluding(Instance.NoNode) + secMem - node.State.RMem);
        }
        return board.BoundFromAmounts(baseValue, tdx, amounts, rise, slope, offset, linear)
            + Metrics.Weights[Metrics.LocationScoreMetric] * srcLocMin;
    }

    /// <summary>Rounding in the bounds and in the score is far below this.</summary>
    private static double Margin(double bar) => 1e-6 * (1 + Math.Abs(bar));

    private void Fill(Side side, int op, in NodeState p, int os, in NodeState s)
    {
        side.Ok &= !NewlyFailsN1(op, p) && !NewlyFailsN1(os, s);
        Array.Clear(side.Sum);
        Array.Clear(side.Sq);
        if (!side.Ok) return;
        Metrics.NodeValues(p, _srcValues);
        _board.Accumulate(op, _srcValues, side.Sum, side.Sq);
        Metrics.NodeValues(s, _srcValues);
        _board.Accumulate(os, _srcValues, side.Sum, side.Sq);
        side.Base = _board.PrepareBound(side.Sum, side.Sq, side.Slope, side.Offset, side.Linear);
    }

    /// <summary>Whether a peer entry of the target on <paramref name="node"/> changes the reservation the prepared side assumed.</summary>
    private bool PeerMatters(int node, int target, Side side, Instance inst)
    {
        int secMem = inst.UsesSecMem ? inst.Mem : 0;
        int peer = _nodes[node].Peers.TryGetValue(target, out var v) ? v : 0;
        return Math.Max(side.RMemBefore, peer + secMem) != side.BaseRMem;
    }

    /// <summary>
    /// A target's state after taking the instance one way (as secondary of a given primary, or
    /// as primary, with given checks), computed on first use for the current target: kinds of
    /// moves that leave the target in the same state share it.
    /// </summary>
    private sealed class TargetSide
    {
        public long Key = -1;
        public bool Ok;
        public readonly double[] Values = new double[M];
    }

    private readonly TargetSide _secOfPrimary = new(), _secOfSecondary = new(), _pri = new(), _priRelaxed = new();
    private long _targetKey;

    private TargetSide AsSecondary(TargetSide slot, Instance inst, int tdx, int pdx, bool force)
    {
        if (slot.Key == _targetKey) return slot;
        slot.Key = _targetKey;
        var tg = _nodes[tdx].State;
        slot.Ok = tg.AddSec(_nodes[tdx], inst, pdx, force) == FailMode.None && !NewlyFailsN1(tdx, tg);
        if (slot.Ok) Metrics.NodeValues(tg, slot.Values);
        return slot;
    }

    /// <summary>The target's state with the instance as primary, its location score left at the instance's current one.</summary>
    private TargetSide AsPrimary(TargetSide slot, Instance inst, int tdx, bool force)
    {
        if (slot.Key == _targetKey) return slot;
        slot.Key = _targetKey;
        var tg = _nodes[tdx].State;
        slot.Ok = tg.AddPri(_nodes[tdx], inst, force) == FailMode.None && !NewlyFailsN1(tdx, tg);
        if (slot.Ok) Metrics.NodeValues(tg, slot.Values);
        return slot;
    }

    /// <summary>Whether the target's reservation comes out the same with either of the instance's nodes as the new primary.</summary>
    private bool SameReservation(int tdx, int op, int os, Instance inst)
    {
        var peers = _nodes[tdx].Peers;
        if (peers.Count == 0) return true;
        int secMem = inst.UsesSecMem ? inst.Mem : 0;
        int a = peers.TryGetValue(op, out var x) ? x : 0;
        int b = peers.TryGetValue(os, out var y) ? y : 0;
        int r = _nodes[tdx].State.RMem;
        return Math.Max(r, a + secMem) == Math.Max(r, b + secMem);
    }

    /// <summary>Scores the instance's drbd moves onto <paramref name="tdx"/>, in the given order of kinds, from the prepared sides.</summary>
    private void ScoreTarget(Instance inst, ReadOnlySpan<MoveKind> kinds, int tdx, double bar, ref ScoredMove best)
    {
        var n = _nodes;
        int op = inst.PNode, os = inst.SNode;
        int saved = inst.LocationScore;
        bool force = _opt.IgnoreSoftErrors;
        _targetKey++;
        bool hasRs = kinds[0] == MoveKind.ReplaceSecondary;
        // The location score the instance's own node loses at most (when the target shares no domain with it).
        double srcLocMin = -saved;
        foreach (var kind in kinds)
        {
            double b = Math.Min(bar, best.Score);
            bool cannotWin = kind switch
            {
                MoveKind.ReplaceSecondary => _rs.Ok && CannotWin(_rs, false, tdx, inst, _rs.LocCounted ? srcLocMin : 0, b),
                MoveKind.FailoverAndReplace => _fr.Ok && CannotWin(_fr, false, tdx, inst, _fr.LocCounted ? srcLocMin : 0, b),
                // Targets among the peers take the one-by-one path: their sides differ from the prepared ones.
                MoveKind.ReplaceAndFailover => _rf.Ok && _peerOnP[tdx] != _stamp && CannotWin(_rf, true, tdx, inst, 0, b),
                MoveKind.ReplacePrimary => _rp.Ok && _peerOnS[tdx] != _stamp && CannotWin(_rp, true, tdx, inst, 0, b),
                _ => false,
            };
            if (cannotWin) continue;
            switch (kind)
            {
                case MoveKind.ReplaceSecondary:
                {
                    if (!_rs.Ok) break;
                    var ts = AsSecondary(_secOfPrimary, inst, tdx, op, _rs.Force);
                    if (!ts.Ok) break;
                    int srcLoc = _rs.LocCounted ? _sim.LocScore(op, tdx) - saved : 0;
                    Score(inst, kind, tdx, _rs, ts.Values, 0, srcLoc, 0, b, ref best);
                    break;
                }
                case MoveKind.FailoverAndReplace:
                {
                    if (!_fr.Ok) break;
                    var ts = hasRs && _fr.Force == _rs.Force && SameReservation(tdx, op, os, inst)
                        ? AsSecondary(_secOfPrimary, inst, tdx, op, _rs.Force)
                        : AsSecondary(_secOfSecondary, inst, tdx, os, _fr.Force);
                    if (!ts.Ok) break;
                    int srcLoc = _fr.LocCounted ? _sim.LocScore(os, tdx) - saved : 0;
                    Score(inst, kind, tdx, _fr, ts.Values, 0, srcLoc, _fr.MapDelta, b, ref best);
                    break;
                }
                case MoveKind.ReplaceAndFailover:
                {
                    if (!Node.CanMigrate(n[op], n[tdx])) break;
                    if (_peerOnP[tdx] == _stamp && PeerMatters(op, tdx, _rf, inst))
                    {
                        // The primary keeps the instance's secondary, with the target as its peer.
                        var p = _rf.Primary;
                        if (!_rf.PeerOk || p.AddSec(n[op], inst, tdx, _rf.Force) != FailMode.None || NewlyFailsN1(op, p)) break;
                        var pts = AsPrimary(_pri, inst, tdx, force);
                        if (!pts.Ok) break;
                        ScoreAlone(inst, kind, tdx, p, _rf.Secondary, pts.Values, _sim.LocScore(tdx, op) - saved, _board.MapDelta(inst, op, tdx), ref best);
                        break;
                    }
                    if (!_rf.Ok) break;
                    var ts = AsPrimary(_pri, inst, tdx, force);
                    if (!ts.Ok) break;
                    Score(inst, kind, tdx, _rf, ts.Values, _sim.LocScore(tdx, op) - saved, 0, _board.MapDelta(inst, op, tdx), b, ref best);
                    break;
                }
                case MoveKind.ReplacePrimary:
                {
                    if (_peerOnS[tdx] == _stamp && PeerMatters(os, tdx, _rp, inst))
                    {
                        // The secondary keeps the instance's secondary, with the target as its peer.
                        var sec = _rp.Secondary;
                        if (!_rp.PeerOk || !Node.CanMigrate(n[os], n[tdx])
                            || sec.AddSec(n[os], inst, tdx, _rp.Force) != FailMode.None || NewlyFailsN1(os, sec)) break;
                        var pts = _rp.Force == force ? AsPrimary(_pri, inst, tdx, force) : AsPrimary(_priRelaxed, inst, tdx, _rp.Force);
                        if (!pts.Ok) break;
                        ScoreAlone(inst, kind, tdx, _rp.Primary, sec, pts.Values, _sim.LocScore(tdx, os) - saved, _board.MapDelta(inst, op, tdx), ref best);
                        break;
                    }
                    if (!_rp.Ok || !Node.CanMigrate(n[os], n[tdx])) break;
                    var ts = _rp.Force == force ? AsPrimary(_pri, inst, tdx, force) : AsPrimary(_priRelaxed, inst, tdx, _rp.Force);
                    if (!ts.Ok) break;
                    Score(inst, kind, tdx, _rp, ts.Values, _sim.LocScore(tdx, os) - saved, 0, _board.MapDelta(inst, op, tdx), b, ref best);
                    break;
                }
                default:
                    Try(inst, new Move(kind, tdx), ref best);
                    break;
            }
        }
    }

    /// <summary>Scores a move whose primary and secondary states were computed for this target, accumulating all three nodes in the move's order.</summary>
    private void ScoreAlone(Instance inst, MoveKind kind, int tdx, in NodeState p, in NodeState s, double[] values, int tgtLoc,
        double mapDelta, ref ScoredMove best)
    {
        var dSum = _dSum;
        var dSq = _dSq;
        Array.Clear(dSum);
        Array.Clear(dSq);
        Metrics.NodeValues(p, _srcValues);
        _board.Accumulate(inst.PNode, _srcValues, dSum, dSq);
        Metrics.NodeValues(s, _srcValues);
        _board.Accumulate(inst.SNode, _srcValues, dSum, dSq);
        values.CopyTo(_nv, 0);
        _nv[Metrics.LocationScoreMetric] += tgtLoc;
        _board.Accumulate(tdx, _nv, dSum, dSq);
        double score = _board.Finish(dSum, dSq, mapDelta);
        if (score < best.Score) best = new ScoredMove(score, inst.Index, new Move(kind, tdx));
    }

    /// <summary>
    /// Scores one move from its prepared side and the target's values (with the changes of
    /// location score on the target and on the instance's own node that the shared states
    /// leave out), unless its lower bound shows it cannot beat <paramref name="bar"/>.
    /// </summary>
    private void Score(Instance inst, MoveKind kind, int tdx, Side side, double[] values, int tgtLoc, int srcLoc,
        double mapDelta, double bar, ref ScoredMove best)
    {
        const int L = Metrics.LocationScoreMetric;
        double lb = _board.Bound(side.Base, tdx, values, side.Slope, side.Offset, side.Linear)
            + Metrics.Weights[L] * (tgtLoc + srcLoc);
        if (double.IsFinite(lb) && lb > bar + Margin(bar)) return;
        var nv = _nv;
        values.CopyTo(nv, 0);
        // Location scores are whole numbers, so these additions are exact, and adding the
        // instance's own node's change after the other source node's gives the same sum.
        nv[L] += tgtLoc;
        var dSum = _dSum;
        var dSq = _dSq;
        side.Sum.CopyTo(dSum, 0);
        side.Sq.CopyTo(dSq, 0);
        dSum[L] += srcLoc;
        _board.Accumulate(tdx, nv, dSum, dSq);
        double score = _board.Finish(dSum, dSq, mapDelta);
        if (score < best.Score) best = new ScoredMove(score, inst.Index, new Move(kind, tdx));
    }
}
