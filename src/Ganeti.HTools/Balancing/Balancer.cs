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

    private readonly record struct Best(double Score, int Instance, Move Move)
    {
        public bool Found => Instance >= 0;
        public static Best None(double score) => new(score, -1, default);
    }

    /// <summary>Below this many candidate moves per round the exhaustive search is cheap enough.</summary>
    private const long FocusThreshold = 200_000;

    private int _fullScans, _focusedRounds;

    /// <summary>Rounds that scored every move of every instance.</summary>
    public int ExhaustiveRounds => _fullScans;
    /// <summary>Moves taken so far.</summary>
    public int Steps { get; private set; }
    /// <summary>Rounds that found their move among the outlier nodes only.</summary>
    public int FocusedRounds => _focusedRounds;

    /// <summary>One balancing round; null when no move improves the cluster enough.</summary>
    public Placement? Step(double iniScore)
    {
        var victims = Victims();
        double baseScore = _board.Score;
        bool focused = _opt.Search switch
        {
            BalanceSearch.Exhaustive => false,
            BalanceSearch.Focused => true,
            _ => (long)victims.Length * _onlineNodes.Length * 4 >= FocusThreshold,
        };
        Best best = Best.None(baseScore);
        bool Acceptable(Best b) => b.Found && b.Score < baseScore
            && (iniScore > _opt.MinGainLimit || iniScore - b.Score >= _opt.MinGain);
        if (victims.Length > 0)
        {
            if (focused)
            {
                int k0 = FocusWidth(_onlineNodes.Length);
                for (int k = k0; k * 2 < _onlineNodes.Length; k *= 4)
                {
                    best = FocusedSearch(victims, baseScore, k, remember: k > k0);
                    if (Acceptable(best)) { _focusedRounds++; break; }
                    if (k == k0 && _remembered is not null)
                    {
                        best = RememberedSearch(victims, baseScore);
                        if (Acceptable(best)) { _rememberedRounds++; break; }
                    }
                }
            }
            if (!Acceptable(best))
            {
                _fullScans++;
                var perInstance = focused ? new Best[victims.Length] : null;
                best = Search(victims, _onlineNodes, baseScore, perInstance);
                if (perInstance is not null) Remember(victims, perInstance, baseScore);
            }
        }
        if (!Acceptable(best)) return null;
        var inst = _cd.Instances[best.Instance];
        var t = new Touched();
        if (!_sim.Simulate(inst, best.Move, _opt.IgnoreSoftErrors, ref t))
            throw new InvalidOperationException("A move that was valid during the search failed when applied");
        int oldP = inst.PNode, oldS = inst.SNode;
        _sim.Commit(inst, t);
        _board.Recompute();
        if (_remembered is not null)
        {
            _remembered.Remove(inst.Index);
            for (int k = 0; k < t.Count; k++) _touchedSinceScan.Add(t.IndexAt(k));
        }
        double fresh = CurrentScore();
        Steps++;
        return new Placement(inst.Index, t.NewPrimary, t.NewSecondary, best.Move, fresh, oldP, oldS);
    }

    /// <summary>
    /// Instances whose best move improved the score in the last widened or exhaustive round,
    /// best first; null until a focused plan has needed one. Later rounds look at these (and
    /// at the instances on the nodes changed since) before widening or scanning everything again.
    /// </summary>
    private List<int>? _remembered;
    private readonly HashSet<int> _touchedSinceScan = new();
    private int _rememberedRounds;

    /// <summary>Rounds that found their move among the instances the last widened or exhaustive round found improvable.</summary>
    public int RememberedRounds => _rememberedRounds;

    /// <summary>How many remembered instances a round looks at.</summary>
    private const int RememberedWidth = 64;

    private void Remember(int[] victims, Best[] perInstance, double baseScore)
    {
        var improving = new List<(double Score, int Instance)>();
        for (int v = 0; v < victims.Length; v++)
            if (perInstance[v].Found && perInstance[v].Score < baseScore) improving.Add((perInstance[v].Score, victims[v]));
        improving.Sort((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : a.Instance.CompareTo(b.Instance));
        _remembered = improving.Select(x => x.Instance).ToList();
        _touchedSinceScan.Clear();
    }

    /// <summary>Scores, onto every node, the best remembered instances and those on nodes changed since the last exhaustive round.</summary>
    private Best RememberedSearch(int[] allVictims, double baseScore)
    {
        var isVictim = new bool[_cd.Instances.Count];
        foreach (var i in allVictims) isVictim[i] = true;
        var picked = new SortedSet<int>(_remembered!.Take(RememberedWidth));
        foreach (var n in _touchedSinceScan)
        {
            foreach (var i in _nodes[n].PList) picked.Add(i);
            foreach (var i in _nodes[n].SList) picked.Add(i);
        }
        var victims = picked.Where(i => isVictim[i]).ToArray();
        if (victims.Length == 0) return Best.None(baseScore);
        return Search(victims, _onlineNodes, baseScore);
    }

    /// <summary>How many source and target nodes a focused round starts with.</summary>
    private static int FocusWidth(int nodes) => Math.Clamp(nodes / 8, 8, 16);

    /// <summary>
    /// Scores the moves of the instances on the <paramref name="width"/> most loaded nodes onto
    /// the <paramref name="width"/> least loaded ones (plus their failovers). Load is each
    /// node's weighted deviation from the mean over the score's spread metrics, signed so that
    /// less free memory or disk, more reservation, vcpus or spindles count as more load, with
    /// N+1 failures first.
    /// </summary>
    private Best FocusedSearch(int[] victims, double baseScore, int width, bool remember)
    {
        var load = _board.NodeLoads(_onlineNodes);
        var byLoad = Enumerable.Range(0, _onlineNodes.Length).OrderByDescending(k => load[k]).ThenBy(k => k).ToArray();
        var source = new bool[_nodes.Length];
        for (int k = 0; k < width; k++) source[_onlineNodes[byLoad[k]]] = true;
        var targets = new int[width];
        for (int k = 0; k < width; k++) targets[k] = _onlineNodes[byLoad[^(k + 1)]];
        Array.Sort(targets);
        // Offline nodes are the worst sources of all: instances on them always take part.
        var picked = new List<int>();
        foreach (var idx in victims)
        {
            var i = _cd.Instances[idx];
            bool onSource = source[i.PNode] || _nodes[i.PNode].Offline
                || (i.SNode >= 0 && (source[i.SNode] || _nodes[i.SNode].Offline));
            if (onSource) picked.Add(idx);
        }
        var sources = picked.ToArray();
        if (!remember) return Search(sources, targets, baseScore);
        var perInstance = new Best[sources.Length];
        var best = Search(sources, targets, baseScore, perInstance);
        Remember(sources, perInstance, baseScore);
        return best;
    }

    private int Workers(int items) => _opt.Parallel ? Math.Min(Environment.ProcessorCount, Math.Max(1, items / 8)) : 1;

    /// <summary>Scores every move of the given instances onto the given targets, in parallel chunks, keeping the first best.</summary>
    private Best Search(int[] victims, int[] targets, double baseScore, Best[]? perInstance = null)
    {
        int count = victims.Length;
        int workers = Workers(count);
        Best Chunk(int from, int to)
        {
            var best = Best.None(baseScore);
            var t = new Touched();
            for (int v = from; v < to; v++)
            {
                var r = ScoreInstance(victims[v], targets, baseScore, ref t);
                if (perInstance is not null) perInstance[v] = r;
                if (r.Found && r.Score < best.Score) best = r;
            }
            return best;
        }
        if (workers <= 1) return Chunk(0, count);
        var results = new Best[workers];
        int chunk = (count + workers - 1) / workers;
        System.Threading.Tasks.Parallel.For(0, workers, w =>
        {
            int from = w * chunk, to = Math.Min(count, from + chunk);
            results[w] = from < to ? Chunk(from, to) : Best.None(baseScore);
        });
        var bestAll = Best.None(baseScore);
        foreach (var r in results)
            if (r.Found && r.Score < bestAll.Score) bestAll = r;
        return bestAll;
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

    /// <summary>The best improving move of one instance (its failover, or onto one of the targets).</summary>
    private Best ScoreInstance(int idx, int[] targets, double baseScore, ref Touched t)
    {
        var best = Best.None(baseScore);
        Span<MoveKind> kinds = stackalloc MoveKind[4];
        bool force = _opt.IgnoreSoftErrors;
        var inst = _cd.Instances[idx];
        int op = inst.PNode, os = inst.SNode;
        var mir = inst.MirrorType;
        bool useSecondary = os >= 0 && _isOnlineMember[os] && _opt.InstanceMoves;
        if (mir == MirrorType.Internal && useSecondary)
            Try(inst, Move.Failover, op, os, ref best, ref t, force);
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
        if (nk > 0)
            foreach (var tdx in targets)
            {
                if (tdx == op || tdx == os) continue;
                for (int k = 0; k < nk; k++)
                    Try(inst, new Move(kinds[k], tdx), op, os, ref best, ref t, force);
            }
        return best;
    }

    private void Try(Instance inst, Move mv, int op, int os, ref Best best, ref Touched t, bool force)
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
        if (score < best.Score) best = new Best(score, inst.Index, mv);
    }
}
