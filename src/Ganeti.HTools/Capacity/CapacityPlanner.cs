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
            var top = r.Failures.Count == 0 ? FailMode.Internal : r.Failures.OrderByDescending(k => k.Value).First().Key;
            reason = "FAIL" + top.ToString().ToUpperInvariant();
            if (tierCount > 0) tiers.Add((mem, dsk, cpu, tierCount));
            tierCount = 0;
            if (!tiered) break;
            switch (top)
            {
                case FailMode.Mem when mem - UnitMem >= UnitMem: mem -= UnitMem; break;
                case FailMode.Disk when dsk - UnitDsk >= UnitDsk: dsk -= UnitDsk; break;
                case FailMode.Cpu when cpu - UnitCpu >= UnitCpu: cpu -= UnitCpu; break;
                default: goto done;
            }
        }
        done:
        return new CapacityResult(count, reason, tiers, Metrics.Score(cd.Nodes.Where(n => !n.Offline || true)));
    }
}
