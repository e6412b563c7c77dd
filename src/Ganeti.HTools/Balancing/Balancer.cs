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
        _scorers = new MoveScorer[Math.Max(1, Environment.ProcessorCount)];
        for (int w = 0; w < _scorers.Length; w++)
            _scorers[w] = new MoveScorer(_nodes, _sim, _board, _opt, _isOnlineMember) { OneByOne = _opt.ScoreOneByOne };
    }

    /// <summary>One per worker thread (they hold scratch space).</summary>
    private readonly MoveScorer[] _scorers;

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

    /// <summary>
    /// Below this many candidate moves per round the exhaustive search (hbal's own path, so
    /// never a worse end than hbal's) is cheap enough: about a tenth of a second per round,
    /// which takes groups of 200 nodes and 2,000 drbd instances.
    /// </summary>
    private const long FocusThreshold = 2_000_000;

    private int _fullScans, _focusedRounds;

    /// <summary>Rounds that scored every move of every instance.</summary>
    public int ExhaustiveRounds => _fullScans;
    /// <summary>Moves taken so far.</summary>
    public int Steps { get; private set; }
    /// <summary>Time spent in focused and remembered searches.</summary>
    public TimeSpan FocusedTime { get; private set; }
    /// <summary>Time spent in rounds that scored every move of every instance.</summary>
    public TimeSpan ExhaustiveTime { get; private set; }
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
        // A window of the most and least loaded nodes only makes sense when it leaves nodes out.
        if (FocusWidth(_onlineNodes.Length) * 2 >= _onlineNodes.Length) focused = false;
        ScoredMove best = ScoredMove.None(baseScore);
        bool Acceptable(ScoredMove b) => b.Found && b.Score < baseScore
            && (iniScore > _opt.MinGainLimit || iniScore - b.Score >= _opt.MinGain);
        if (victims.Length > 0)
        {
            if (focused)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                int k0 = FocusWidth(_onlineNodes.Length);
                best = FocusedSearch(victims, baseScore, k0, remember: false);
                if (Acceptable(best)) _focusedRounds++;
                else
                {
                    best = RememberedSearch(victims, baseScore, k0 * 4);
                    if (Acceptable(best)) _rememberedRounds++;
                }
                for (int k = k0 * 4; !Acceptable(best) && k * 2 < _onlineNodes.Length; k *= 4)
                {
                    best = FocusedSearch(victims, baseScore, k, remember: true);
                    if (Acceptable(best)) _focusedRounds++;
                }
                FocusedTime += System.Diagnostics.Stopwatch.GetElapsedTime(t0);
            }
            if (!Acceptable(best))
            {
                _fullScans++;
                long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
                var perInstance = focused ? new ScoredMove[victims.Length] : null;
                best = Search(victims, _onlineNodes, baseScore, perInstance);
                if (perInstance is not null) Remember(victims, perInstance, baseScore, complete: true);
                ExhaustiveTime += System.Diagnostics.Stopwatch.GetElapsedTime(t1);
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
            for (int k = 0; k < t.Count; k++)
            {
                var node = _nodes[t.IndexAt(k)];
                foreach (var i in node.PList) MarkPending(i);
                foreach (var i in node.SList) MarkPending(i);
            }
        double fresh = CurrentScore();
        Steps++;
        return new Placement(inst.Index, t.NewPrimary, t.NewSecondary, best.Move, fresh, oldP, oldS);
    }

    /// <summary>
    /// The best improving move each instance had when it was last scored (null until a
    /// focused plan has needed a wider search). Rounds whose narrow window finds nothing
    /// re-score these moves against the cluster as it is now before widening the window or
    /// scanning everything again.
    /// </summary>
    private Move?[]? _remembered;
    /// <summary>Instances on nodes changed since their remembered move was scored: scored again before use.</summary>
    private bool[]? _pending;
    private readonly List<int> _pendingList = new();
    private int _rememberedRounds;

    /// <summary>Rounds that found their move among the remembered best moves of the instances.</summary>
    public int RememberedRounds => _rememberedRounds;

    private void MarkPending(int inst)
    {
        if (_pending is null || _pending[inst]) return;
        _pending[inst] = true;
        _pendingList.Add(inst);
    }

    private void Remember(int[] victims, ScoredMove[] perInstance, double baseScore, bool complete)
    {
        _remembered ??= new Move?[_cd.Instances.Count];
        _pending ??= new bool[_cd.Instances.Count];
        for (int v = 0; v < victims.Length; v++)
        {
            _pending[victims[v]] = false;
            if (perInstance[v].Found && perInstance[v].Score < baseScore) _remembered[victims[v]] = perInstance[v].Move;
            else if (complete) _remembered[victims[v]] = null;
        }
    }

    /// <summary>
    /// Scores again the remembered move of every instance, after scoring the instances on
    /// changed nodes afresh onto the <paramref name="width"/> least loaded nodes.
    /// </summary>
    private ScoredMove RememberedSearch(int[] victims, double baseScore, int width)
    {
        if (_remembered is null || _pending is null) return ScoredMove.None(baseScore);
        if (_pendingList.Count > 0)
        {
            var isVictim = new bool[_cd.Instances.Count];
            foreach (var i in victims) isVictim[i] = true;
            var fresh = new List<int>();
            foreach (var i in _pendingList)
            {
                if (!_pending[i]) continue;
                _pending[i] = false;
                _remembered[i] = null;
                if (isVictim[i]) fresh.Add(i);
            }
            _pendingList.Clear();
            fresh.Sort();
            var sources = fresh.ToArray();
            var perInstance = new ScoredMove[sources.Length];
            Search(sources, LeastLoaded(Math.Min(width, _onlineNodes.Length)), baseScore, perInstance);
            Remember(sources, perInstance, baseScore, complete: false);
        }
        var best = ScoredMove.None(baseScore);
        var scorer = _scorers[0];
        foreach (var idx in victims)
        {
            if (_remembered[idx] is not { } mv) continue;
            var inst = _cd.Instances[idx];
            var mine = ScoredMove.None(baseScore);
            scorer.Try(inst, mv, ref mine);
            if (!mine.Found) { _remembered[idx] = null; continue; }
            if (mine.Score < best.Score) best = mine;
        }
        return best;
    }

    private int[] LeastLoaded(int width)
    {
        var load = _board.NodeLoads(_onlineNodes);
        var byLoad = Enumerable.Range(0, _onlineNodes.Length).OrderBy(k => load[k]).ThenBy(k => k).Take(width).Select(k => _onlineNodes[k]).ToArray();
        Array.Sort(byLoad);
        return byLoad;
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
    private ScoredMove FocusedSearch(int[] victims, double baseScore, int width, bool remember)
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
        var perInstance = new ScoredMove[sources.Length];
        var best = Search(sources, targets, baseScore, perInstance);
        Remember(sources, perInstance, baseScore, complete: false);
        return best;
    }

    private int Workers(int items) => _opt.Parallel ? Math.Min(_scorers.Length, Math.Max(1, items / 8)) : 1;

    /// <summary>Scores every move of the given instances onto the given targets, in parallel chunks, keeping the first best.</summary>
    private ScoredMove Search(int[] victims, int[] targets, double baseScore, ScoredMove[]? perInstance = null)
    {
        int count = victims.Length;
        int workers = Workers(count);
        ScoredMove Chunk(MoveScorer scorer, int from, int to)
        {
            var best = ScoredMove.None(baseScore);
            for (int v = from; v < to; v++)
            {
                // Remembered moves need each instance's own best; otherwise the chunk's best so far is the bar.
                double bar = perInstance is null ? best.Score : baseScore;
                var r = scorer.ScoreInstance(_cd.Instances[victims[v]], targets, baseScore, bar);
                if (perInstance is not null) perInstance[v] = r;
                if (r.Found && r.Score < best.Score) best = r;
            }
            return best;
        }
        if (workers <= 1) return Chunk(_scorers[0], 0, count);
        var results = new ScoredMove[workers];
        int chunk = (count + workers - 1) / workers;
        System.Threading.Tasks.Parallel.For(0, workers, w =>
        {
            int from = w * chunk, to = Math.Min(count, from + chunk);
            results[w] = from < to ? Chunk(_scorers[w], from, to) : ScoredMove.None(baseScore);
        });
        var bestAll = ScoredMove.None(baseScore);
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
}
