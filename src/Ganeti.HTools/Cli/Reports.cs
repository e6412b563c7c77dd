using System.Globalization;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;

namespace Ganeti.HTools.Cli;

/// <summary>The node and instance listings of hbal -p / --print-instances and hinfo.</summary>
public static class Reports
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static readonly string[] DefaultNodeFields =
    {
        "status", "name", "tmem", "nmem", "imem", "xmem", "fmem", "umem", "rmem", "tdsk", "fdsk", "tcpu", "ucpu",
        "pcnt", "scnt", "pfmem", "pfdsk", "rcpu", "cload", "mload", "dload", "nload",
    };

    private static (string Header, bool Numeric) Header(string f) => f switch
    {
        "idx" => ("Index", true), "name" => ("Name", false), "fqdn" => ("Name", false), "status" => ("F", false),
        "tmem" => ("t_mem", true), "nmem" => ("n_mem", true), "xmem" => ("x_mem", true), "fmem" => ("f_mem", true),
        "umem" => ("u_mem", true), "amem" => ("a_mem", true), "imem" => ("i_mem", true), "rmem" => ("r_mem", true),
        "tdsk" => ("t_dsk", true), "fdsk" => ("f_dsk", true), "tcpu" => ("pcpu", true), "ucpu" => ("vcpu", true),
        "pcnt" => ("pcnt", true), "scnt" => ("scnt", true), "plist" => ("primaries", true), "slist" => ("secondaries", true),
        "pfmem" => ("p_fmem", true), "pfdsk" => ("p_fdsk", true), "rcpu" => ("r_cpu", true), "cload" => ("lCpu", true),
        "mload" => ("lMem", true), "dload" => ("lDsk", true), "nload" => ("lNet", true), "ptags" => ("PrimaryTags", false),
        "peermap" => ("PeerMap", false), "spindle_count" => ("NodeSpindles", true), "hi_spindles" => ("MaxSpindles", true),
        "inst_spindles" => ("InstSpindles", true), _ => ("<unknown field>", false),
    };

    private static string Field(Node n, string f)
    {
        var s = n.State;
        return f switch
        {
            "idx" => n.Index.ToString(Inv).PadLeft(4), "name" => n.Alias, "fqdn" => n.Name,
            "status" => s.Offline ? "-" : s.FailN1 ? "*" : " ",
            "tmem" => s.TMem.ToString("F0", Inv).PadLeft(5), "nmem" => s.NMem.ToString(Inv).PadLeft(5),
            "xmem" => s.XMem.ToString(Inv).PadLeft(5), "fmem" => s.FMem.ToString(Inv).PadLeft(5),
            "umem" => s.UnallocatedMem.ToString(Inv).PadLeft(5), "imem" => s.IMem.ToString(Inv).PadLeft(5),
            "rmem" => s.RMem.ToString(Inv).PadLeft(5), "amem" => s.AvailMem.ToString(Inv).PadLeft(5),
            "tdsk" => (s.TDsk / 1024).ToString("F0", Inv).PadLeft(5), "fdsk" => (s.FDsk / 1024).ToString(Inv).PadLeft(5),
            "tcpu" => s.TCpu.ToString("F0", Inv).PadLeft(4), "ucpu" => s.UCpu.ToString(Inv).PadLeft(4),
            "pcnt" => s.PCount.ToString(Inv).PadLeft(3), "scnt" => s.SCount.ToString(Inv).PadLeft(3),
            "plist" => "[" + string.Join(",", n.PList) + "]", "slist" => "[" + string.Join(",", n.SList) + "]",
            "pfmem" => s.PMem.ToString("F4", Inv).PadLeft(6), "pfdsk" => s.PDsk.ToString("F4", Inv).PadLeft(6),
            "rcpu" => s.PCpu.ToString("F2", Inv).PadLeft(5),
            "cload" => s.Load.Cpu.ToString("F3", Inv).PadLeft(5), "mload" => s.Load.Mem.ToString("F3", Inv).PadLeft(5),
            "dload" => s.Load.Dsk.ToString("F3", Inv).PadLeft(5), "nload" => s.Load.Net.ToString("F3", Inv).PadLeft(5),
            "ptags" => string.Join(",", n.PTags.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}={k.Value}")),
            "spindle_count" => s.TSpindles.ToString(Inv), "hi_spindles" => s.HiSpindles.ToString(Inv),
            "inst_spindles" => s.InstSpindles.ToString(Inv),
            _ => "<unknown field>",
        };
    }

    public static string Nodes(IEnumerable<Node> nodes, string fieldSpec)
    {
        var fields = fieldSpec.Length == 0 ? DefaultNodeFields
            : fieldSpec.StartsWith("+", StringComparison.Ordinal) ? DefaultNodeFields.Concat(fieldSpec[1..].Split(',', StringSplitOptions.RemoveEmptyEntries)).ToArray()
            : fieldSpec.Split(',');
        var hdr = fields.Select(Header).ToList();
        var rows = nodes.OrderBy(n => n.Index).Select(n => fields.Select(f => Field(n, f)).ToArray()).ToList();
        return TableFormatter.Format("", hdr.Select(h => h.Header).ToList(), rows, hdr.Select(h => h.Numeric).ToList());
    }

    public static string Instances(ClusterData cd, IEnumerable<Instance> insts)
    {
        var rows = insts.OrderBy(i => i.Index).Select(i => new[]
        {
            i.IsRunning ? "R" : " ", i.Name, cd.Nodes[i.PNode].Name, i.SNode < 0 ? "" : cd.Nodes[i.SNode].Name,
            i.AutoBalance ? "Y" : "N", i.Vcpus.ToString(Inv).PadLeft(3), i.Mem.ToString(Inv).PadLeft(5),
            (i.Dsk / 1024).ToString(Inv).PadLeft(5), i.Util.Cpu.ToString("F3", Inv), i.Util.Mem.ToString("F3", Inv),
            i.Util.Dsk.ToString("F3", Inv), i.Util.Net.ToString("F3", Inv),
        }).ToList();
        var header = new[] { "F", "Name", "Pri_node", "Sec_node", "Auto_bal", "vcpu", "mem", "dsk", "lCpu", "lMem", "lDsk", "lNet" };
        var numeric = new[] { false, false, false, false, false, true, true, true, true, true, true, true };
        return TableFormatter.Format("", header, rows, numeric);
    }

    /// <summary>hinfo's "Node group information" table: per group its size, N+1 failures and score.</summary>
    public static string Groups(ClusterData cd, IEnumerable<int> groups)
    {
        var rows = new List<string[]>();
        foreach (var g in groups)
        {
            var nodes = cd.Nodes.Where(n => n.Group == g).ToList();
            var bad = nodes.Where(n => !n.Offline && n.State.FailN1).Select(n => n.Index).ToHashSet();
            int insts = cd.Instances.Count(i => cd.Nodes[i.PNode].Group == g);
            int badInsts = cd.Instances.Count(i => bad.Contains(i.PNode) || (i.SNode != Instance.NoNode && bad.Contains(i.SNode)));
            rows.Add(new[]
            {
                cd.Groups[g].Name, nodes.Count.ToString(Inv), insts.ToString(Inv), bad.Count.ToString(Inv),
                badInsts.ToString(Inv), bad.Count == 0 ? "True" : "False", Metrics.Score(nodes).ToString("F8", Inv),
            });
        }
        var header = new[] { "Group", "Nodes", "Instances", "Bad_Nodes", "Bad_Instances", "N+1", "Score" };
        return TableFormatter.Format("  ", header, rows, new[] { false, true, true, true, true, false, true });
    }

    /// <summary>An instance policy written the way Ganeti's tools print it (Haskell's derived Show).</summary>
    public static string ShowPolicy(IPolicy p)
    {
        static string Spec(ISpec s) => string.Format(Inv,
            "ISpec {{iSpecMemorySize = {0}, iSpecCpuCount = {1}, iSpecDiskSize = {2}, iSpecDiskCount = {3}, iSpecNicCount = {4}, iSpecSpindleUse = {5}}}",
            s.MemorySize, s.CpuCount, s.DiskSize, s.DiskCount, s.NicCount, s.SpindleUse);
        static string Dt(DiskTemplate t) => t switch
        {
            DiskTemplate.Diskless => "DTDiskless", DiskTemplate.File => "DTFile", DiskTemplate.SharedFile => "DTSharedFile",
            DiskTemplate.Plain => "DTPlain", DiskTemplate.Block => "DTBlock", DiskTemplate.Drbd => "DTDrbd8",
            DiskTemplate.Rbd => "DTRbd", DiskTemplate.Ext => "DTExt", _ => "DTGluster",
        };
        var minmax = string.Join(", ", p.MinMax.Select(m => $"MinMaxISpecs {{minMaxISpecsMinSpec = {Spec(m.Min)}, minMaxISpecsMaxSpec = {Spec(m.Max)}}}"));
        return $"IPolicy {{iPolicyMinMaxISpecs = [{minmax}], iPolicyStdSpec = {Spec(p.Std)}, " +
               $"iPolicyDiskTemplates = [{string.Join(",", p.DiskTemplates.Select(Dt))}], " +
               $"iPolicyVcpuRatio = {ShowDouble(p.VcpuRatio)}, iPolicySpindleRatio = {ShowDouble(p.SpindleRatio)}}}";
    }

    /// <summary>A double as Haskell's show writes it: 4.0, 2.5, 0.1, 1.0e-2, 1.0e7.</summary>
    public static string ShowDouble(double d)
    {
        if (double.IsNaN(d)) return "NaN";
        if (double.IsInfinity(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == 0) return "0.0";
        double a = Math.Abs(d);
        if (a >= 0.1 && a < 1e7)
        {
            var s = d.ToString("R", Inv);
            return s.Contains('.') ? s : s + ".0";
        }
        // Scientific, with one digit before the point.
        int exp = (int)Math.Floor(Math.Log10(a));
        double mant = d / Math.Pow(10, exp);
        var m = mant.ToString("R", Inv);
        if (Math.Abs(mant) >= 10) { exp++; m = (d / Math.Pow(10, exp)).ToString("R", Inv); }
        if (!m.Contains('.')) m += ".0";
        return m + "e" + exp.ToString(Inv);
    }
}
