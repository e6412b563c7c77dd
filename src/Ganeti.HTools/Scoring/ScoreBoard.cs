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
