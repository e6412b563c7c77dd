using Ganeti.HTools.Model;

namespace Ganeti.HTools.Allocation;

/// <summary>Instance policy checks: does an instance fit one of the policy's min/max specs and templates.</summary>
public static class PolicyCheck
{
    private static FailMode Compare(int sign, Instance inst, ISpec spec, bool exclStor)
    {
        // sign > 0: fail when the instance is above the spec; sign < 0: when below.
        static bool Bad(int sign, int v, int limit) => sign > 0 ? v > limit : v < limit;
        if (Bad(sign, inst.Mem, spec.MemorySize)) return FailMode.Mem;
        if (inst.Disks.Any(d => Bad(sign, d.Size, spec.DiskSize))) return FailMode.Disk;
        if (Bad(sign, inst.Vcpus, spec.CpuCount)) return FailMode.Cpu;
        if (exclStor)
        {
            if (inst.TotalSpindles is not int sp || Bad(sign, sp, spec.SpindleUse)) return FailMode.Spindles;
        }
        else if (Bad(sign, inst.SpindleUse, spec.SpindleUse)) return FailMode.Spindles;
        if (inst.DiskTemplate != DiskTemplate.Diskless && Bad(sign, inst.Disks.Count, spec.DiskCount)) return FailMode.DiskCount;
        return FailMode.None;
    }

    public static FailMode MatchesPolicy(Instance inst, IPolicy pol, bool exclStor)
    {
        if (pol.MinMax.Count > 0)
        {
            var r = FailMode.Internal;
            foreach (var mm in pol.MinMax)
            {
                r = Compare(-1, inst, mm.Min, exclStor);
                if (r == FailMode.None) r = Compare(1, inst, mm.Max, exclStor);
                if (r == FailMode.None) break;
            }
            if (r != FailMode.None) return r;
        }
        return pol.DiskTemplates.Contains(inst.DiskTemplate) ? FailMode.None : FailMode.Disk;
    }
}
