using System.Runtime.Intrinsics;
using Ganeti.HTools.Balancing;
using Ganeti.HTools.Model;

namespace Ganeti.HTools.Scoring;

/// <summary>
/// Running aggregates of every metric over a set of nodes, so that the score after a
/// move is computed from the two or three nodes it changes instead of the whole cluster.
/// </summary>
public sealed class ScoreBoard
{
    private const int M = Metrics.Count;
    private readonly Node[] _nodes;
    private readonly int[] _members;
    private readonly bool[] _inSet;
    private readonly double[] _cache;
    /// <summary>Each member's <see cref="Metrics.Scales"/>, next to its values in <see cref="_cache"/>.</summary>
    private readonly double[] _scales;
    private readonly double[] _shift = new double[M];
    private readonly double[] _sum = new double[M];
    private readonly double[] _sumSq = new double[M];
    private double _onlineCount;
    private readonly Dictionary<(string, string), int> _mapTotals = new();
    private double _mapValue;
    private readonly bool _useMap;

    public ScoreBoard(Node[] nodes, IEnumerable<int> members, bool useMap)
    {
        _nodes = nodes;
        _members = members.ToArray();
        _inSet = new bool[nodes.Length];
        foreach (var i in _members) _inSet[i] = true;
        _cache = new double[nodes.Length * M];
        _scales = new double[nodes.Length * M];
        _useMap = useMap;
        Recompute();
    }

    public double Score { get; private set; }

    /// <summary>Rebuilds all aggregates from the node states (after a commit, to avoid drift).</summary>
    public void Recompute()
    {
        Array.Clear(_sum); Array.Clear(_sumSq); Array.Clear(_shift);
        _onlineCount = 0;
        foreach (var i in _members)
        {
            Metrics.NodeValues(_nodes[i].State, _cache.AsSpan(i * M, M));
            Metrics.Scales(_nodes[i].State, _scales.AsSpan(i * M, M));
            if (!_nodes[i].Offline)
            {
                _onlineCount++;
                for (int m = 0; m < M; m++) _shift[m] += _cache[i * M + m];
            }
        }
        for (int m = 0; m < M; m++) _shift[m] = _onlineCount > 0 ? _shift[m] / _onlineCount : 0;
        foreach (var i in _members)
        {
            bool online = !_nodes[i].Offline;
            for (int m = 0; m < M; m++)
            {
                if (Metrics.ForOnline[m] != online) continue;
                double x = _cache[i * M + m];
                if (Metrics.Kinds[m] == Metrics.Kind.StdDev)
                {
                    double d = x - _shift[m];
                    _sum[m] += d; _sumSq[m] += d * d;
                }
                else _sum[m] += x;
            }
        }
        _mapTotals.Clear();
        _mapValue = 0;
        if (_useMap)
        {
            foreach (var i in _members)
            {
                if (_nodes[i].Offline) continue;
                foreach (var (k, c) in _nodes[i].InstanceMap)
                    _mapTotals[k] = (_mapTotals.TryGetValue(k, out var x) ? x : 0) + c;
            }
            int s = 0;
            foreach (var c in _mapTotals.Values) s += c;
            _mapValue = s - _mapTotals.Count;
        }
        Score = Evaluate(default, 0);
    }

    /// <summary>The score if the touched nodes had their new states (and the map metric changed by mapDelta).</summary>
    public double Evaluate(in Touched t, double mapDelta)
    {
        Span<double> dSum = stackalloc double[M];
        Span<double> dSq = stackalloc double[M];
        Span<double> nv = stackalloc double[M];
        for (int k = 0; k < t.Count; k++)
        {
            int idx = t.IndexAt(k);
            if (!_inSet[idx]) continue;
            Metrics.NodeValues(t.StateAt(k), nv);
            Accumulate(idx, nv, dSum, dSq);
        }
        return Finish(dSum, dSq, mapDelta);
    }

    /// <summary>
    /// Adds the change of node <paramref name="idx"/> to the per-metric values <paramref name="nv"/>
    /// to the running deltas of the sums and sums of squares. Evaluating a move accumulates its
    /// nodes in the order it touches them; a caller that accumulates some nodes once and the
    /// rest per candidate gets the same bits, as long as it keeps that order.
    /// </summary>
    internal void Accumulate(int idx, ReadOnlySpan<double> nv, Span<double> dSum, Span<double> dSq)
    {
        if (!_inSet[idx]) return;
        bool online = !_nodes[idx].Offline;
        var old = _cache.AsSpan(idx * M, M);
        for (int m = 0; m < M; m++)
        {
            if (Metrics.ForOnline[m] != online) continue;
            double a = old[m], b = nv[m];
            if (Metrics.Kinds[m] == Metrics.Kind.StdDev)
            {
                double da = a - _shift[m], db = b - _shift[m];
                dSum[m] += db - da;
                dSq[m] += db * db - da * da;
            }
            else dSum[m] += b - a;
        }
    }

    /// <summary>The score once the accumulated deltas (and a change of the map metric) are applied.</summary>
    internal double Finish(ReadOnlySpan<double> dSum, ReadOnlySpan<double> dSq, double mapDelta)
    {
        double score = 0;
        double n = _onlineCount;
        for (int m = 0; m < M; m++)
        {
            double value;
            switch (Metrics.Kinds[m])
            {
                case Metrics.Kind.StdDev:
                {
                    double s = _sum[m] + dSum[m];
                    double q = _sumSq[m] + dSq[m];
                    double mean = s / n;
                    double v = q / n - mean * mean;
                    value = Math.Sqrt(v > 0 ? v : 0);
                    break;
                }
                case Metrics.Kind.Sum:
                    value = _sum[m] + dSum[m];
                    break;
                default:
                    value = _mapValue + mapDelta;
                    break;
            }
            score += Metrics.Weights[m] * value;
        }
        return score;
    }

    /// <summary>Below this a spread metric gets no slope in <see cref="PrepareBound"/> (its rounding would dominate).</summary>
    private const double FlatSpread = 1e-6;

    /// <summary>
    /// Prepares a lower bound on the score of moves that change, besides the nodes already
    /// accumulated in <paramref name="dSum"/>/<paramref name="dSq"/>, one more online member
    /// (the target). Every metric is convex in each node's values (a standard deviation is a
    /// norm of the centred values, the others are sums), so the score after the target changes
    /// by Δ is at least the score before plus the slope at that point times Δ. Fills
    /// <paramref name="slope"/> and <paramref name="offset"/> so that
    /// <see cref="Bound"/> computes base + Σ Δ·(slope·(old − offset) + linear) over the target's
    /// metrics, and returns the base: the score without the target's change, leaving out
    /// the map metric and spreads too flat to bound reliably (both are never negative).
    /// </summary>
    internal double PrepareBound(ReadOnlySpan<double> dSum, ReadOnlySpan<double> dSq, Span<double> slope, Span<double> offset, Span<double> linear)
    {
        double n = _onlineCount;
        double baseValue = 0;
        for (int m = 0; m < M; m++)
        {
            slope[m] = 0; offset[m] = 0; linear[m] = 0;
            if (!Metrics.ForOnline[m]) continue;
            switch (Metrics.Kinds[m])
            {
                case Metrics.Kind.StdDev:
                {
                    double mean = (_sum[m] + dSum[m]) / n;
                    double v = (_sumSq[m] + dSq[m]) / n - mean * mean;
                    double sd = Math.Sqrt(v > 0 ? v : 0);
                    if (sd <= FlatSpread) break;
                    baseValue += Metrics.Weights[m] * sd;
                    // d sd / d x_t = (x_t - mean) / (n sd), x_t shifted like the sums.
                    slope[m] = Metrics.Weights[m] / (n * sd);
                    offset[m] = _shift[m] + mean;
                    break;
                }
                case Metrics.Kind.Sum:
                    baseValue += Metrics.Weights[m] * (_sum[m] + dSum[m]);
                    linear[m] = Metrics.Weights[m];
                    break;
            }
        }
        return baseValue;
    }

    /// <summary>The lower bound prepared by <see cref="PrepareBound"/> for online member <paramref name="target"/> taking the values <paramref name="nv"/>.</summary>
    internal double Bound(double baseValue, int target, ReadOnlySpan<double> nv, ReadOnlySpan<double> slope, ReadOnlySpan<double> offset, ReadOnlySpan<double> linear)
    {
        var old = _cache.AsSpan(target * M, M);
        // A bound needs no particular order of additions: four metrics at a time.
        var acc = Vector256<double>.Zero;
        int m = 0;
        for (; m + Vector256<double>.Count <= M; m += Vector256<double>.Count)
        {
            var o = Vector256.Create(old.Slice(m, Vector256<double>.Count));
            var d = Vector256.Create(nv.Slice(m, Vector256<double>.Count)) - o;
            var g = Vector256.Create(slope.Slice(m, Vector256<double>.Count)) * (o - Vector256.Create(offset.Slice(m, Vector256<double>.Count)))
                + Vector256.Create(linear.Slice(m, Vector256<double>.Count));
            acc += d * g;
        }
        double lb = baseValue + Vector256.Sum(acc);
        for (; m < M; m++)
            lb += (nv[m] - old[m]) * (slope[m] * (old[m] - offset[m]) + linear[m]);
        return lb;
    }

    /// <summary>
    /// The bound of <see cref="Bound"/> without the target's new values: its values change by
    /// <paramref name="amounts"/> times its <see cref="Metrics.Scales"/> (metrics whose change
    /// is not such a product must have their change bounded from below by 0 and an amount of 0),
    /// and its reserved memory rises by between 0 and <paramref name="reservedRise"/> MiB.
    /// NaN when a scale is unknown.
    /// </summary>
    internal double BoundFromAmounts(double baseValue, int target, ReadOnlySpan<double> amounts, double reservedRise,
        ReadOnlySpan<double> slope, ReadOnlySpan<double> offset, ReadOnlySpan<double> linear)
    {
        var old = _cache.AsSpan(target * M, M);
        var scale = _scales.AsSpan(target * M, M);
        var acc = Vector256<double>.Zero;
        int m = 0;
        for (; m + Vector256<double>.Count <= M; m += Vector256<double>.Count)
        {
            var o = Vector256.Create(old.Slice(m, Vector256<double>.Count));
            var d = Vector256.Create(amounts.Slice(m, Vector256<double>.Count)) * Vector256.Create(scale.Slice(m, Vector256<double>.Count));
            var g = Vector256.Create(slope.Slice(m, Vector256<double>.Count)) * (o - Vector256.Create(offset.Slice(m, Vector256<double>.Count)))
                + Vector256.Create(linear.Slice(m, Vector256<double>.Count));
            acc += d * g;
        }
        double lb = baseValue + Vector256.Sum(acc);
        for (; m < M; m++)
            lb += amounts[m] * scale[m] * (slope[m] * (old[m] - offset[m]) + linear[m]);
        if (reservedRise > 0)
            foreach (int r in Metrics.ReservedMemory)
                lb += Math.Min(0, reservedRise * scale[r] * (slope[r] * (old[r] - offset[r]) + linear[r]));
        return lb;
    }

    /// <summary>
    /// How loaded each of the given nodes is compared to the others: the weighted sum of its
    /// standardized deviations over the spread metrics, signed so that less free memory or
    /// disk and more reserved memory, vcpus, load or spindles count as more; a node failing
    /// N+1 outranks every node that does not.
    /// </summary>
    public double[] NodeLoads(int[] nodes)
    {
        var load = new double[nodes.Length];
        double n = _onlineCount;
        for (int m = 0; m < M; m++)
        {
            if (Metrics.Kinds[m] != Metrics.Kind.StdDev || !Metrics.ForOnline[m] || n == 0) continue;
            double mean = _sum[m] / n;
            double v = _sumSq[m] / n - mean * mean;
            if (!(v > 1e-18)) continue;
            double scale = Metrics.Weights[m] * Metrics.LoadSign[m] / Math.Sqrt(v);
            for (int k = 0; k < nodes.Length; k++)
            {
                int i = nodes[k];
                load[k] += scale * (_cache[i * M + m] - _shift[m] - mean);
            }
        }
        for (int k = 0; k < nodes.Length; k++)
            if (_nodes[nodes[k]].State.FailN1) load[k] += 1e6;
        return load;
    }

    /// <summary>Change of the location-exclusion metric when an instance's primary moves from one node to another (from -1: a new instance).</summary>
    public double MapDelta(Instance inst, int fromNode, int toNode)
    {
        if (!_useMap || inst.ExclTags.Length == 0 || inst.Forthcoming || fromNode == toNode) return 0;
        var local = new Dictionary<(string, string), int>();
        int Count((string, string) k) => (_mapTotals.TryGetValue(k, out var a) ? a : 0) + (local.TryGetValue(k, out var b) ? b : 0);
        double delta = 0;
        if (fromNode >= 0 && !_nodes[fromNode].Offline && _inSet[fromNode])
            foreach (var loc in _nodes[fromNode].LocationTags)
                foreach (var ex in inst.ExclTags)
                {
                    var k = (loc, ex);
                    if (Count(k) > 1) delta -= 1;
                    local[k] = (local.TryGetValue(k, out var c) ? c : 0) - 1;
                }
        if (!_nodes[toNode].Offline && _inSet[toNode])
            foreach (var loc in _nodes[toNode].LocationTags)
                foreach (var ex in inst.ExclTags)
                {
                    var k = (loc, ex);
                    if (Count(k) >= 1) delta += 1;
                    local[k] = (local.TryGetValue(k, out var c) ? c : 0) + 1;
                }
        return delta;
    }
}
