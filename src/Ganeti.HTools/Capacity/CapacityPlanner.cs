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
    /// The most frequent failure; between equally frequent ones, the one hspace lists last
    /// (as Ganeti's hspace decides, e.g. N+1 over memory over disk).
    /// </summary>
    public static FailMode MostLikely(IReadOnlyDictionary<FailMode, int> failures)
    {
        var top = FailMode.Internal;
        int best = 0;
        foreach (var f in ReportOrder)
            if (failures.TryGetValue(f, out var c) && c > 0 && c >= best) { best = c; top = f; }
        return top;
    }

    public static CapacityResult Run(ClusterData cd, ISpec spec, DiskTemplate template, bool tiered, int limit = 100_000)
    {
        var alloc = new Allocator(cd);
        int mem = spec.MemorySize, dsk = spec.DiskSize * Math.Max(1, spec.DiskCount), cpu = spec.CpuCount;
        int reqNodes = DiskTemplates.RequiredNodes(template);
        var tiers = new List<(int, int, int, int)>();
        int count = 0, tierCount = 0;
        string reason = "";
        while (count < limit)
        {
            var inst = new Instance
            {
                Name = $"new-{count}", Alias = $"new-{count}", Mem = mem, Dsk = dsk,
                Disks = new List<Disk> { new(dsk, null) }, Vcpus = cpu, DiskTemplate = template, SpindleUse = spec.SpindleUse,
                Status = InstanceStatus.Running, Movable = DiskTemplates.SupportsMoves(template),
            };
            var r = alloc.Allocate(inst, reqNodes);
            if (r.Success)
            {
                alloc.Place(inst, r.Primary, r.Secondary);
                count++; tierCount++;
                continue;
            }
            var top = MostLikely(r.Failures);
            reason = "FAIL" + top.ToString().ToUpperInvariant();
            if (tierCount > 0) tiers.Add((mem, dsk, cpu, tierCount));
            tierCount = 0;
            if (!tiered) break;
            switch (top)
            {
                // Ganeti's hspace shrinks the memory when the cluster would lose its N+1 redundancy.
                case FailMode.Mem or FailMode.N1 when mem - UnitMem >= UnitMem: mem -= UnitMem; break;
                case FailMode.Disk when dsk - UnitDsk >= UnitDsk: dsk -= UnitDsk; break;
                case FailMode.Cpu when cpu - UnitCpu >= UnitCpu: cpu -= UnitCpu; break;
                default: goto done;
            }
        }
        done:
        return new CapacityResult(count, reason, tiers, Metrics.Score(cd.Nodes.Where(n => !n.Offline || true)));
    }
}
