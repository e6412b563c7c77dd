using Ganeti.HTools.Allocation;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;

namespace Ganeti.HTools.Capacity;

/// <summary>
/// hspace's computation: keep allocating instances of a spec until the cluster is full
/// (standard mode), or shrink the failing resource and continue (tiered mode).
/// </summary>
public static class CapacityPlanner
{
    public const int UnitMem = 64, UnitDsk = 256, UnitCpu = 1;

    /// <summary>Failure reasons in the order hspace lists them.</summary>
    private static readonly FailMode[] ReportOrder =
    {
        FailMode.Mem, FailMode.Disk, FailMode.Cpu, FailMode.N1, FailMode.Tags, FailMode.Mig,
        FailMode.DiskCount, FailMode.Spindles, FailMode.Internal,
    };

    /// <summary>
    /// The most frequent failure, the reason hspace reports; between equally frequent ones,
    /// the one hspace lists first (memory over disk over N+1). Tiered mode breaks ties the
    /// other way when it picks the resource to shrink (<see cref="ByLikelihood"/>).
    /// </summary>
    public static FailMode MostLikely(IReadOnlyDictionary<FailMode, int> failures)
    {
        var top = FailMode.Internal;
        int best = 0;
        foreach (var f in ReportOrder)
            if (failures.TryGetValue(f, out var c) && c > best) { best = c; top = f; }
        return top;
    }

    /// <summary>
    /// The failure counts of the last attempt as hspace prints them, most frequent first: every
    /// reason after an allocation attempt, only N+1 when the cluster was not N+1 happy to begin with.
    /// </summary>
    public static IEnumerable<(FailMode Mode, int Count)> FailureCounts(IReadOnlyDictionary<FailMode, int>? failures)
    {
        if (failures is null || failures.Count == 0) return Array.Empty<(FailMode, int)>();
        return ReportOrder.Where(failures.ContainsKey).Select(f => (f, failures[f])).OrderByDescending(x => x.Item2).ToList();
    }

    /// <summary>
    /// The failure reasons of an attempt, most frequent first (between equally frequent ones,
    /// the one hspace lists last first): the order in which tiered mode tries to shrink the spec.
    /// </summary>
    public static List<FailMode> ByLikelihood(IReadOnlyDictionary<FailMode, int> failures)
        => ReportOrder.Select((f, k) => (f, k, c: failures.TryGetValue(f, out var c) ? c : 0))
            .Where(x => x.c > 0).OrderByDescending(x => x.c).ThenByDescending(x => x.k).Select(x => x.f).ToList();

    /// <summary>
    /// Allocates instances of the spec until one fails. Tiered mode then shrinks the spec by one
    /// unit of the most frequent failing resource it can still shrink (memory for an N+1 failure)
    /// and goes on; it stops when no failing resource can shrink. The spec's disk size is the
    /// instance's total disk, on one disk. The instances use <paramref name="spindleUse"/> spindles
    /// when given (hspace takes them from --spindle-use or the policy's standard spec, whatever
    /// the spec says).
    /// </summary>
    /// <remarks>
    /// A cluster with a node that is already not N+1 happy takes no instance at all (one N+1
    /// failure), unless <paramref name="independentGroups"/> (then only the groups without such a
    /// node take instances) or <paramref name="acceptExistingErrors"/> (then every group does).
    /// </remarks>
    public static CapacityResult Run(ClusterData cd, ISpec spec, DiskTemplate template, bool tiered, int limit = 100_000,
        bool independentGroups = false, bool acceptExistingErrors = false, int? spindleUse = null)
    {
        var alloc = new Allocator(cd);
        var failing = cd.Nodes.Where(n => !n.Offline && n.State.FailN1).Select(n => n.Group).ToHashSet();
        List<int>? groups = null;
        if (failing.Count > 0 && !acceptExistingErrors)
        {
            groups = cd.Nodes.Select(n => n.Group).Distinct().Where(g => !failing.Contains(g)).ToList();
            if (!independentGroups || groups.Count == 0)
                return new CapacityResult(0, "FAILN1", Array.Empty<(int, int, int, int)>(), Metrics.Score(cd.Nodes),
                    new Dictionary<FailMode, int> { [FailMode.N1] = 1 });
        }
        int mem = spec.MemorySize, dsk = spec.DiskSize, cpu = spec.CpuCount;
        int reqNodes = DiskTemplates.RequiredNodes(template);
        var mins = cd.Policy.MinMax.Select(m => m.Min).ToList();
        int minMem = Math.Max(UnitMem, mins.Count == 0 ? 0 : mins.Min(m => m.MemorySize));
        int minDsk = Math.Max(UnitDsk, mins.Count == 0 ? 0 : mins.Min(m => m.DiskSize));
        int minCpu = Math.Max(UnitCpu, mins.Count == 0 ? 0 : mins.Min(m => m.CpuCount));
        var tiers = new List<(int, int, int, int)>();
        int count = 0, tierCount = 0;
        string reason = "";
        IReadOnlyDictionary<FailMode, int> last = new Dictionary<FailMode, int>();
        while (count < limit)
        {
            var inst = new Instance
            {
                Name = $"new-{count}", Alias = $"new-{count}", Mem = mem, Dsk = dsk,
                Disks = new List<Disk> { new(dsk, null) }, Vcpus = cpu, DiskTemplate = template, SpindleUse = spindleUse ?? spec.SpindleUse,
                Status = InstanceStatus.Running, Movable = DiskTemplates.SupportsMoves(template),
            };
            var r = alloc.Allocate(inst, reqNodes, groups);
            if (r.Success)
            {
                alloc.Place(inst, r.Primary, r.Secondary);
                count++; tierCount++;
                continue;
            }
            last = ReportOrder.ToDictionary(f => f, f => r.Failures.TryGetValue(f, out var c) ? c : 0);
            var top = MostLikely(r.Failures);
            reason = "FAIL" + top.ToString().ToUpperInvariant();
            if (tierCount > 0) tiers.Add((mem, dsk, cpu, tierCount));
            tierCount = 0;
            if (!tiered) break;
            bool shrunk = false;
            // A resource shrinks no further than the smallest the instance policy allows.
            foreach (var f in ByLikelihood(r.Failures))
            {
                switch (f)
                {
                    case FailMode.Mem or FailMode.N1 when mem - UnitMem >= minMem: mem -= UnitMem; shrunk = true; break;
                    case FailMode.Disk when dsk - UnitDsk >= minDsk: dsk -= UnitDsk; shrunk = true; break;
                    case FailMode.Cpu when cpu - UnitCpu >= minCpu: cpu -= UnitCpu; shrunk = true; break;
                }
                if (shrunk) break;
            }
            if (!shrunk) break;
        }
        return new CapacityResult(count, reason, tiers, Metrics.Score(cd.Nodes), last);
    }
}
