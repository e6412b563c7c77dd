using System.Globalization;
using Ganeti.HTools.Model;

namespace Ganeti.HTools.Scoring;

/// <summary>
/// The cluster score: a weighted sum of 20 per-node statistics, as Ganeti defines it
/// (standard deviations over online nodes, sums, and the location-exclusion count).
/// </summary>
public static class Metrics
{
    public const int Count = 20;
    public const int LocationScoreMetric = 17;
    public const int LocationExclusion = 18;
    public const double ReservedMemRtotalCoeff = 0.25;

    public enum Kind { StdDev, Sum, Map }

    public static readonly string[] Names =
    {
        "free_mem_cv", "free_disk_cv", "n1_cnt", "reserved_mem_cv", "offline_all_cnt", "offline_pri_cnt",
        "vcpu_ratio_cv", "cpu_load_cv", "mem_load_cv", "disk_load_cv", "net_load_cv", "pri_tags_score",
        "spindles_cv", "free_mem_cv_forth", "free_disk_cv_forth", "vcpu_ratio_cv_forth", "spindles_cv_forth",
        "location_score", "location_exclusion_score", "reserved_mem_rtotal",
    };

    public static readonly double[] Weights =
    {
        0.5, 0.5, 1, 1, 4, 16, 0.5, 1, 1, 1, 1, 2, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1, ReservedMemRtotalCoeff,
    };

    public static readonly Kind[] Kinds =
    {
        Kind.StdDev, Kind.StdDev, Kind.Sum, Kind.StdDev, Kind.Sum, Kind.Sum, Kind.StdDev, Kind.StdDev,
        Kind.StdDev, Kind.StdDev, Kind.StdDev, Kind.Sum, Kind.StdDev, Kind.StdDev, Kind.StdDev, Kind.StdDev,
        Kind.StdDev, Kind.Sum, Kind.Map, Kind.Sum,
    };

    /// <summary>+1 where a higher per-node value means a more loaded node, -1 where it means a freer one.</summary>
    public static readonly double[] LoadSign =
    {
        -1, -1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, 1, 1, 1, 1, 1,
    };

    /// <summary>Whether the metric aggregates online nodes (true) or offline nodes (false).</summary>
    public static readonly bool[] ForOnline =
    {
        true, true, true, true, false, false, true, true, true, true, true, true, true, true, true, true, true,
        true, true, true,
    };

    /// <summary>Fills <paramref name="v"/> with the per-node values of every metric (the map metric is 0 here).</summary>
    public static void NodeValues(in NodeState s, Span<double> v)
    {
        double n1 = s.FailN1 ? s.SCount + s.PCount : 0;
        double res = s.PRem;
        v[0] = s.PMem;
        v[1] = s.PDsk;
        v[2] = n1;
        v[3] = res;
        v[4] = s.PCount + s.SCount;
        v[5] = s.PCount;
        v[6] = s.PCpu / s.CpuSpeed;
        v[7] = s.Load.Cpu / s.Pool.Cpu;
        v[8] = s.Load.Mem / s.Pool.Mem;
        v[9] = s.Load.Dsk / s.Pool.Dsk;
        v[10] = s.Load.Net / s.Pool.Net;
        v[11] = s.Conflicting;
        v[12] = s.InstSpindles / s.HiSpindles;
        v[13] = s.PMemForth;
        v[14] = s.PDskForth;
        v[15] = s.PCpuForth / s.CpuSpeed;
        v[16] = s.InstSpindlesForth / s.HiSpindles;
        v[17] = s.LocationScore;
        v[18] = 0;
        v[19] = res;
    }

    /// <summary>The metrics that are the node's reserved memory over its total memory.</summary>
    public static readonly int[] ReservedMemory = { 3, 19 };

    /// <summary>
    /// How much each per-node value of <see cref="NodeValues"/> changes per unit of what it is
    /// a share of (a MiB of memory or disk, a vcpu, a unit of load, a spindle): the reciprocal
    /// of its denominator; 0 for the values that are counts or scores; NaN for free disk under
    /// exclusive storage (a share of spindles there). Keep in step with <see cref="NodeValues"/>.
    /// </summary>
    public static void Scales(in NodeState s, Span<double> k)
    {
        k.Clear();
        k[0] = 1 / s.TMem;
        k[1] = s.ExclStorage ? double.NaN : s.TDsk == 0 ? 0 : 1 / s.TDsk;
        k[3] = 1 / s.TMem;
        k[6] = 1 / s.TCpu / s.CpuSpeed;
        k[7] = 1 / s.Pool.Cpu;
        k[8] = 1 / s.Pool.Mem;
        k[9] = 1 / s.Pool.Dsk;
        k[10] = 1 / s.Pool.Net;
        k[12] = s.ExclStorage ? double.NaN : 1 / s.HiSpindles;
        k[13] = 1 / s.TMem;
        k[14] = k[1];
        k[15] = k[6];
        k[16] = k[12];
        k[19] = 1 / s.TMem;
        for (int m = 0; m < Count; m++)
            if (!double.IsFinite(k[m])) k[m] = double.NaN;
    }

    /// <summary>The location-exclusion value: sum over (location, exclusion tag) pairs of count - 1.</summary>
    public static double MapValue(IEnumerable<Node> onlineNodes)
    {
        var total = new Dictionary<(string, string), int>();
        foreach (var n in onlineNodes)
            foreach (var (k, c) in n.InstanceMap)
                total[k] = (total.TryGetValue(k, out var x) ? x : 0) + c;
        int sum = 0;
        foreach (var c in total.Values) sum += c;
        return sum - total.Count;
    }

    /// <summary>Each metric's value, computed from scratch in Ganeti's order of operations.</summary>
    public static double[] Detailed(IEnumerable<Node> nodes)
    {
        var all = nodes.ToList();
        var online = all.Where(n => !n.Offline).ToList();
        var offline = all.Where(n => n.Offline).ToList();
        var onVals = online.Select(n => { var v = new double[Count]; NodeValues(n.State, v); return v; }).ToList();
        var offVals = offline.Select(n => { var v = new double[Count]; NodeValues(n.State, v); return v; }).ToList();
        var result = new double[Count];
        for (int m = 0; m < Count; m++)
        {
            var vals = ForOnline[m] ? onVals : offVals;
            switch (Kinds[m])
            {
                case Kind.Sum:
                {
                    double s = 0;
                    foreach (var v in vals) s += v[m];
                    result[m] = s;
                    break;
                }
                case Kind.StdDev:
                {
                    double n = 0, s = 0;
                    foreach (var v in vals) { n += 1; s += v[m]; }
                    double mean = s / n, nvar = 0;
                    foreach (var v in vals) { double d = v[m] - mean; nvar += d * d; }
                    result[m] = Math.Sqrt(nvar / n);
                    break;
                }
                case Kind.Map:
                    result[m] = MapValue(ForOnline[m] ? online : offline);
                    break;
            }
        }
        return result;
    }

    public static double Score(IEnumerable<Node> nodes)
    {
        var d = Detailed(nodes);
        double score = 0;
        for (int m = 0; m < Count; m++) score += Weights[m] * d[m];
        return score;
    }

    /// <summary>The lowest score reachable given N+1 memory reservations (Ganeti's optimalCVScore).</summary>
    public static double OptimalScore(IReadOnlyList<Node> nodes)
    {
        if (nodes.Count <= 1) return 0;
        double total = 0, max = double.MinValue;
        foreach (var n in nodes) { total += n.State.TMem; max = Math.Max(max, n.State.TMem); }
        double oneLess = total - max;
        if (oneLess <= 0) return 0;
        double drbd = 0;
        foreach (var n in nodes) foreach (var v in n.Peers.Values) drbd += v;
        return ReservedMemRtotalCoeff * (drbd / oneLess - drbd / total);
    }

    /// <summary>The table hbal prints with -v -v -v.</summary>
    public static string PrintStats(string prefix, IEnumerable<Node> nodes)
    {
        var d = Detailed(nodes);
        var rows = new List<string[]>();
        for (int m = 0; m < Count; m++)
            rows.Add(new[] { Names[m], Text.HaskellShow.Fixed(d[m]), "x" + Text.HaskellShow.Fixed(Weights[m], 2) });
        return TableFormatter.Format(prefix, new[] { "Field", "Value", "Weight" }, rows, new[] { false, true, true });
    }
}
