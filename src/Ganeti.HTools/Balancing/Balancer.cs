using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;

namespace Ganeti.HTools.Balancing;

/// <summary>
/// Greedy cluster balancing as hbal does it: each round tries every allowed move of every
/// movable instance and takes the one that lowers the score most. Candidate moves are
/// scored incrementally from the nodes they touch, in parallel across instances.
/// </summary>
public sealed class Balancer
{
    private readonly ClusterData _cd;
    private readonly Node[] _nodes;
    private readonly int[] _groupNodes;
    private readonly int[] _onlineNodes;
    private readonly bool[] _isOnlineMember;
    private readonly int[] _instances;
    private readonly BalanceOptions _opt;
    private readonly MoveSimulator _sim;
    private readonly ScoreBoard _board;

    public Balancer(ClusterData cd, IEnumerable<int> groupNodes, IEnumerable<int> groupInstances, BalanceOptions? options = null)
    {
        _cd = cd;
        _opt = options ?? new BalanceOptions();
        _nodes = cd.Nodes.ToArray();
        _groupNodes = groupNodes.OrderBy(i => i).ToArray();
        _onlineNodes = _groupNodes.Where(i => !_nodes[i].Offline).ToArray();
        _isOnlineMember = new bool[_nodes.Length];
        foreach (var i in _onlineNodes) _isOnlineMember[i] = true;
        _instances = groupInstances.OrderBy(i => i).ToArray();
        bool anyLoc = _groupNodes.Any(i => _nodes[i].LocationTags.Count > 0);
        bool useMap = anyLoc && _instances.Any(i => cd.Instances[i].ExclTags.Length > 0);
        _sim = new MoveSimulator(_nodes, anyLoc);
        _board = new ScoreBoard(_nodes, _groupNodes, useMap);
    }

    /// <summary>Balances a whole single-group cluster (or the given group).</summary>
    public static Balancer ForGroup(ClusterData cd, int group, BalanceOptions? options = null)
    {
        var nodes = cd.Nodes.Where(n => n.Group == group).Select(n => n.Index).ToHashSet();
        var insts = cd.Instances.Where(i => nodes.Contains(i.PNode)).Select(i => i.Index);
        return new Balancer(cd, nodes, insts, options);
    }

    public IReadOnlyList<int> GroupNodes => _groupNodes;
    public IReadOnlyList<int> GroupInstances => _instances;

    /// <summary>The exact score of the group now (computed from scratch).</summary>
    public double CurrentScore() => Metrics.Score(_groupNodes.Select(i => _nodes[i]));

    public double OptimalScore() => Metrics.OptimalScore(_groupNodes.Select(i => _nodes[i]).ToList());

    /// <summary>Runs rounds until no move helps enough, the length cap is hit or the score target reached.</summary>
    public List<Placement> Run(Action<Placement>? onStep = null, CancellationToken cancel = default)
    {
        var plan = new List<Placement>();
        double minScore = OptimalScore() + _opt.MinScore;
        double cur = CurrentScore();
        while ((_opt.MaxLength < 0 || plan.Count < _opt.MaxLength) && cur > minScore)
        {
            cancel.ThrowIfCancellationRequested();
            var step = Step(cur);
            if (step is null) break;
            plan.Add(step);
            cur = step.Score;
            onStep?.Invoke(step);
        }
        return plan;
    }

    private readonly record struct Best(double Score, int InstOrdinal, Move Move)
    {
        public bool Found => InstOrdinal >= 0;
    }

    /// <summary>One balancing round; null when no move improves the cluster enough.</summary>
    public Placement? Step(double iniScore)
    {
        var victims = Victims();
        double baseScore = _board.Score;
        Best best = new(baseScore, -1, default);
        if (victims.Length > 0)
        {
            int workers = _opt.Parallel ? Math.Min(Environment.ProcessorCount, Math.Max(1, victims.Length / 8)) : 1;
            if (workers <= 1)
                best = Search(victims, 0, victims.Length, baseScore);
            else
            {
                var results = new Best[workers];
                int chunk = (victims.Length + workers - 1) / workers;
                System.Threading.Tasks.Parallel.For(0, workers, w =>
                {
                    int from = w * chunk, to = Math.Min(victims.Length, from + chunk);
                    results[w] = from < to ? Search(victims, from, to, baseScore) : new Best(baseScore, -1, default);
                });
                foreach (var r in results)
                    if (r.Found && r.Score < best.Score) best = r;
            }
        }
        if (!best.Found) return null;
        if (!(best.Score < baseScore && (iniScore > _opt.MinGainLimit || iniScore - best.Score >= _opt.MinGain)))
            return null;
        var inst = _cd.Instances[victims[best.InstOrdinal]];
        var t = new Touched();
        if (!_sim.Simulate(inst, best.Move, _opt.IgnoreSoftErrors, ref t))
            throw new InvalidOperationException("A move that was valid during the search failed when applied");
        int oldP = inst.PNode, oldS = inst.SNode;
        _sim.Commit(inst, t);
        _board.Recompute();
        double fresh = CurrentScore();
        return new Placement(inst.Index, t.NewPrimary, t.NewSecondary, best.Move, fresh, oldP, oldS);
    }

    private int[] Victims()
    {
        var list = new List<int>();
        foreach (var idx in _instances)
        {
            var i = _cd.Instances[idx];
            if (!i.Movable || !i.AutoBalance) continue;
            if (_opt.EvacMode)
            {
                bool onBad = _nodes[i.PNode].Offline || (i.SNode >= 0 && i.HasSecondary && _nodes[i.SNode].Offline);
                if (!onBad) continue;
            }
            list.Add(idx);
        }
        return list.ToArray();
    }

    private Best Search(int[] victims, int from, int to, double baseScore)
    {
        var best = new Best(baseScore, -1, default);
        var t = new Touched();
        Span<MoveKind> kinds = stackalloc MoveKind[4];
        bool force = _opt.IgnoreSoftErrors;
        for (int v = from; v < to; v++)
        {
            var inst = _cd.Instances[victims[v]];
            int op = inst.PNode, os = inst.SNode;
            var mir = inst.MirrorType;
            bool useSecondary = os >= 0 && _isOnlineMember[os] && _opt.InstanceMoves;
            if (mir == MirrorType.Internal && useSecondary)
                Try(inst, Move.Failover, v, op, os, ref best, ref t, force);
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
            if (nk == 0) continue;
            foreach (var tdx in _onlineNodes)
            {
                if (tdx == op || tdx == os) continue;
                for (int k = 0; k < nk; k++)
                    Try(inst, new Move(kinds[k], tdx), v, op, os, ref best, ref t, force);
            }
        }
        return best;
    }

    private void Try(Instance inst, Move mv, int ordinal, int op, int os, ref Best best, ref Touched t, bool force)
    {
        if (!_sim.Simulate(inst, mv, force, ref t)) return;
        if (_opt.StrictN1)
            for (int k = 0; k < t.Count; k++)
            {
                var n = _nodes[t.IndexAt(k)];
                if (!n.Offline && !n.State.FailN1 && t.StateAt(k).FailN1) return;
            }
        double mapDelta = mv.Kind == MoveKind.ReplaceSecondary ? 0 : _board.MapDelta(inst, op, t.NewPrimary);
        double score = _board.Evaluate(t, mapDelta);
        if (score < best.Score) best = new Best(score, ordinal, mv);
    }
}
