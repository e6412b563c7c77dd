using System.Text;
using Ganeti.HTools.Allocation;
using Ganeti.HTools.Balancing;
using Ganeti.HTools.Capacity;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;
using Ganeti.HTools.Text;

namespace Ganeti.HTools.Cli;

public static partial class HToolsCli
{
    private static int RunHail(CliOptions o, TextWriter output, TextWriter err)
    {
        string? path = o.Args.FirstOrDefault() ?? o.IAllocSrc;
        if (path is null) return Fail(err, "Error: this program needs an input file.");
        output.WriteLine(IAllocatorService.Process(File.ReadAllText(path)));
        return 0;
    }

    /// <summary>A spec given on the command line: "disk,ram,cpu[,spindles]", sizes with optional units (as hspace's --standard-alloc).</summary>
    internal static ISpec ParseAllocSpec(string option, string value, ISpec def)
    {
        var f = value.Split(',');
        if (f.Length < 3 || f.Length > 4)
            throw new ArgumentException($"Invalid value of the {option} option, expected disk,ram,cpu[,spindles]: '{value}'");
        // Lower-case units are binary (m = MiB, g = GiB, t = TiB), upper-case ones decimal (M = 10^6 bytes), in whole MiB.
        int Size(string what, string v)
        {
            var m = System.Text.RegularExpressions.Regex.Match(v.Trim(), "^([0-9]+)([mgtMGT]?)$");
            if (!m.Success) throw new ArgumentException($"Invalid {what} in the {option} option: '{v}'");
            var x = System.Numerics.BigInteger.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var mib = m.Groups[2].Value switch
            {
                "g" => x * 1024, "t" => x * 1024 * 1024,
                "M" => x * 1_000_000 / 1_048_576, "G" => x * 1_000_000_000 / 1_048_576,
                "T" => x * 1_000_000_000_000 / 1_048_576, _ => x,
            };
            if (mib > int.MaxValue) throw new ArgumentException($"The {what} in the {option} option is too large: '{v}'");
            return (int)mib;
        }
        int Count(string what, string v)
            => int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var c)
                ? c : throw new ArgumentException($"Invalid {what} in the {option} option: '{v}'");
        // A spec without its spindle count uses one spindle, as hspace does.
        return def with
        {
            DiskSize = Size("disk size", f[0]), MemorySize = Size("memory size", f[1]), CpuCount = Count("cpu count", f[2]),
            DiskCount = 1, SpindleUse = f.Length > 3 ? Count("spindle count", f[3]) : 1,
        };
    }

    /// <summary>hspace's cluster figures with one prefix (INI, FIN or TRL).</summary>
    private static void HspaceStats(Action<string, object> key, string pfx, IReadOnlyList<Node> nodes, int instances, double score)
    {
        // Ganeti's figures cover every node, offline ones included.
        var on = nodes.ToList();
        long tmem = on.Sum(n => (long)n.State.TMem), tdsk = on.Sum(n => (long)n.State.TDsk);
        long memFree = on.Sum(n => (long)n.State.UnallocatedMem), memAvail = on.Sum(n => (long)n.State.AvailMem);
        long memInst = on.Sum(n => (long)n.State.IMem);
        long dskFree = on.Sum(n => (long)n.State.FDsk), dskAvail = on.Sum(n => (long)n.State.AvailDisk);
        long spnTot = on.Sum(n => (long)n.State.TSpindles), spnFree = on.Sum(n => (long)n.State.FSpindles);
        long vcpuTot = on.Sum(n => (long)n.State.HiCpu), cpuInst = on.Sum(n => (long)n.State.UCpu);
        double Eff(long a, long b) => b == 0 ? 0 : (double)a / b;
        key(pfx + "_SCORE", HaskellShow.Fixed(score));
        key(pfx + "_INST_CNT", instances);
        key(pfx + "_MEM_FREE", memFree);
        key(pfx + "_MEM_AVAIL", memAvail);
        key(pfx + "_MEM_RESVD", memFree - memAvail);
        key(pfx + "_MEM_INST", memInst);
        key(pfx + "_MEM_OVERHEAD", tmem - memFree - memInst);
        key(pfx + "_MEM_EFF", HaskellShow.Fixed(Eff(memInst, tmem)));
        key(pfx + "_DSK_FREE", dskFree);
        key(pfx + "_DSK_AVAIL", dskAvail);
        key(pfx + "_DSK_RESVD", dskFree - dskAvail);
        key(pfx + "_DSK_INST", tdsk - dskFree);
        key(pfx + "_DSK_EFF", HaskellShow.Fixed(Eff(tdsk - dskFree, tdsk)));
        key(pfx + "_SPN_FREE", spnFree);
        key(pfx + "_SPN_INST", spnTot - spnFree);
        key(pfx + "_SPN_EFF", HaskellShow.Fixed(Eff(spnTot - spnFree, spnTot)));
        key(pfx + "_CPU_INST", cpuInst);
        key(pfx + "_CPU_EFF", HaskellShow.Fixed(Eff(cpuInst, vcpuTot)));
        key(pfx + "_MNODE_MEM_AVAIL", on.Count == 0 ? 0 : on.Max(n => (long)n.State.AvailMem));
        key(pfx + "_MNODE_DSK_AVAIL", on.Count == 0 ? 0 : on.Max(n => (long)n.State.AvailDisk));
    }

    private static int RunHspace(CliOptions o, TextWriter output, TextWriter err)
    {
        var cd = LoadCluster(o, err);
        var pol = cd.Policy;
        var template = o.DiskTemplate is not null ? DiskTemplates.FromRaw(o.DiskTemplate) : pol.DiskTemplates.FirstOrDefault(DiskTemplate.Drbd);
        var std = o.StandardAlloc is not null ? ParseAllocSpec("--standard-alloc", o.StandardAlloc, pol.Std) : pol.Std;
        // The tiered run goes from each of the policy's largest specs in turn, unless --tiered-alloc names one.
        var maxSpecs = pol.MinMax.Count > 0 ? pol.MinMax.Select(m => m.Max).ToList() : new List<ISpec> { ISpec.DefaultMax };
        var tspecs = o.TieredAlloc is not null ? new List<ISpec> { ParseAllocSpec("--tiered-alloc", o.TieredAlloc, maxSpecs[0]) } : maxSpecs;
        var tspec = tspecs[0];
        var sb = new StringBuilder();
        var tables = new StringBuilder();
        var on = cd.Nodes.ToList();
        int online = cd.Nodes.Count(n => !n.Offline);
        void Key(string k, object v) => sb.Append("HTS_").Append(k).Append('=')
            .Append(Reports.EnsureQuoted(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "")).Append('\n');
        void Table(string title, IEnumerable<Node> nodes)
        {
            if (o.PrintNodes is not null) tables.Append(title).Append(":\n").Append(Reports.Nodes(nodes, o.PrintNodes)).Append("\n\n");
        }
        Key("CLUSTER_MEM", (long)on.Sum(n => n.State.TMem));
        Key("CLUSTER_DSK", (long)on.Sum(n => n.State.TDsk));
        Key("CLUSTER_CPU", (long)on.Sum(n => n.State.TCpu));
        Key("CLUSTER_VCPU", on.Sum(n => (long)n.State.HiCpu));
        Key("CLUSTER_SPN", on.Sum(n => n.State.TSpindles));
        Key("CLUSTER_NODES", on.Count);
        int baseCount = cd.Instances.Count;
        HspaceStats(Key, "INI", cd.Nodes, baseCount, Metrics.Score(cd.Nodes));
        Table("Initial cluster status", cd.Nodes);
        if (online < DiskTemplates.RequiredNodes(template))
        {
            // As hspace: the initial figures, then an error, when no instance of the template can be placed at all.
            if (o.MachineReadable) output.Write(sb.ToString());
            else output.Write(sb.ToString().Replace("HTS_", ""));
            err.WriteLine($"Error: failure during allocation: Not enough online nodes ({online} online, the {DiskTemplates.ToRaw(template)} template needs {DiskTemplates.RequiredNodes(template)})");
            return 1;
        }
        var text = Text.TextSerializer.Serialize(cd);
        // Each run starts from the cluster as loaded, on a copy of its own.
        (ClusterData Copy, CapacityResult Result) Capacity(IReadOnlyList<ISpec> specs, bool tiered)
        {
            var copy = ClusterLoader.Finish(Text.TextLoader.Parse(text), LoadOptionsOf(o));
            int limit = o.MaxLength >= 0 ? o.MaxLength : 100_000;
            int spindleUse = o.SpindleUse ?? pol.Std.SpindleUse;
            return (copy, tiered
                ? CapacityPlanner.RunTiered(copy, specs, template, limit, o.IndependentGroups, o.AcceptExisting, spindleUse)
                : CapacityPlanner.Run(copy, specs[0], template, tiered: false, limit, o.IndependentGroups, o.AcceptExisting, spindleUse));
        }
        // Both runs always happen: the tiered one from the policy's maximum spec unless --tiered-alloc is given.
        {
            var (copy, r) = Capacity(tspecs, tiered: true);
            Key("TSPEC_INI_MEM", tspec.MemorySize); Key("TSPEC_INI_DSK", tspec.DiskSize); Key("TSPEC_INI_CPU", tspec.CpuCount);
            Key("TSPEC_INI_SPN", tspec.SpindleUse); Key("TSPEC_INI_RQN", DiskTemplates.RequiredNodes(template));
            Key("TSPEC_INI_DISK_TEMPLATE", DiskTemplates.ToRaw(template));
            HspaceStats(Key, "TRL", copy.Nodes, baseCount + r.Allocated, r.FinalScore);
            Key("TSPEC", string.Join(" ", r.Tiers.Select(t => $"{t.Mem},{t.Dsk},{t.Cpu},{t.Spn}={t.Count}")));
            // Used at the start, allocated by the tiered run, and left over (unallocable) at the end.
            var ion = on;
            var fon = copy.Nodes.ToList();
            // Physical cpus used: each node's vcpus over its own group's vcpu ratio, summed node by node as hspace does.
            static double Npu(List<Node> ns)
            {
                double sum = 0;
                foreach (var n in ns) sum += n.State.UCpu / n.State.VcpuRatio;
                return sum;
            }
            double ncpuIni = Npu(ion), ncpuFin = Npu(fon), tcpu = 0;
            foreach (var n in fon) tcpu += n.State.TCpu;
            (long Cpu, long Mem, long Dsk, long Spn) Used(List<Node> ns)
                => (ns.Sum(n => (long)n.State.UCpu), ns.Sum(n => (long)n.State.IMem),
                    ns.Sum(n => (long)n.State.TDsk - n.State.FDsk), ns.Sum(n => (long)n.State.TSpindles - n.State.FSpindles));
            var used = Used(ion);
            var fin = Used(fon);
            var pool = (Cpu: fin.Cpu - used.Cpu, Mem: fin.Mem - used.Mem, Dsk: fin.Dsk - used.Dsk, Spn: fin.Spn - used.Spn);
            long totCpu = ion.Sum(n => (long)n.State.HiCpu), totMem = ion.Sum(n => (long)n.State.TMem);
            long totDsk = ion.Sum(n => (long)n.State.TDsk), totSpn = ion.Sum(n => (long)n.State.TSpindles);
            Key("KM_USED_CPU", used.Cpu); Key("KM_USED_NPU", HaskellShow.Double(ncpuIni)); Key("KM_USED_MEM", used.Mem);
            Key("KM_USED_DSK", used.Dsk); Key("KM_USED_SPN", used.Spn);
            Key("KM_POOL_CPU", pool.Cpu); Key("KM_POOL_NPU", HaskellShow.Double(ncpuFin - ncpuIni)); Key("KM_POOL_MEM", pool.Mem);
            Key("KM_POOL_DSK", pool.Dsk); Key("KM_POOL_SPN", pool.Spn);
            long unCpu = totCpu - fin.Cpu;
            Key("KM_UNAV_CPU", unCpu); Key("KM_UNAV_NPU", HaskellShow.Double(tcpu - ncpuFin)); Key("KM_UNAV_MEM", totMem - fin.Mem);
            Key("KM_UNAV_DSK", totDsk - fin.Dsk); Key("KM_UNAV_SPN", totSpn - fin.Spn);
            Table("Tiered allocation status", copy.Nodes);
        }
                {
            var (copy, r) = Capacity(new[] { std }, tiered: false);
            Key("SPEC_MEM", std.MemorySize); Key("SPEC_DSK", std.DiskSize); Key("SPEC_CPU", std.CpuCount);
            Key("SPEC_SPN", std.SpindleUse); Key("SPEC_RQN", DiskTemplates.RequiredNodes(template));
            Key("SPEC_DISK_TEMPLATE", DiskTemplates.ToRaw(template));
            HspaceStats(Key, "FIN", copy.Nodes, baseCount + r.Allocated, r.FinalScore);
            Key("ALLOC_USAGE", HaskellShow.Fixed(baseCount + r.Allocated == 0 ? 0 : (double)baseCount / (baseCount + r.Allocated)));
            Key("ALLOC_INSTANCES", r.Allocated);
            Key("ALLOC_FAIL_REASON", r.FailReason.Length == 0 ? "FailNone" : r.FailReason);
            foreach (var (f, c) in CapacityPlanner.FailureCounts(r.LastFailures))
                Key("ALLOC_FAIL" + f.ToString().ToUpperInvariant() + "_CNT", c);
            Table("Standard allocation status", copy.Nodes);
        }
        Key("OK", 1);
        if (o.MachineReadable) output.Write(sb.ToString());
        else output.Write(sb.ToString().Replace("HTS_", ""));
        output.Write(tables.ToString());
        return 0;
    }
}
