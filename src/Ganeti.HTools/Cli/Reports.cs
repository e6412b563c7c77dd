using System.Globalization;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;
using Ganeti.HTools.Text;

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
            "tmem" => HaskellShow.Fixed(s.TMem, 0).PadLeft(5), "nmem" => s.NMem.ToString(Inv).PadLeft(5),
            "xmem" => s.XMem.ToString(Inv).PadLeft(5), "fmem" => s.FMem.ToString(Inv).PadLeft(5),
            "umem" => s.UnallocatedMem.ToString(Inv).PadLeft(5), "imem" => s.IMem.ToString(Inv).PadLeft(5),
            "rmem" => s.RMem.ToString(Inv).PadLeft(5), "amem" => s.AvailMem.ToString(Inv).PadLeft(5),
            "tdsk" => HaskellShow.Fixed(s.TDsk / 1024, 0).PadLeft(5), "fdsk" => (s.FDsk / 1024).ToString(Inv).PadLeft(5),
            "tcpu" => HaskellShow.Fixed(s.TCpu, 0).PadLeft(4), "ucpu" => s.UCpu.ToString(Inv).PadLeft(4),
            "pcnt" => s.PCount.ToString(Inv).PadLeft(3), "scnt" => s.SCount.ToString(Inv).PadLeft(3),
            "plist" => "[" + string.Join(",", n.PList) + "]", "slist" => "[" + string.Join(",", n.SList) + "]",
            "pfmem" => HaskellShow.Fixed(s.PMem, 4).PadLeft(6), "pfdsk" => HaskellShow.Fixed(s.PDsk, 4).PadLeft(6),
            "rcpu" => HaskellShow.Fixed(s.PCpu, 2).PadLeft(5),
            "cload" => HaskellShow.Fixed(s.Load.Cpu, 3).PadLeft(5), "mload" => HaskellShow.Fixed(s.Load.Mem, 3).PadLeft(5),
            "dload" => HaskellShow.Fixed(s.Load.Dsk, 3).PadLeft(5), "nload" => HaskellShow.Fixed(s.Load.Net, 3).PadLeft(5),
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
            (i.Dsk / 1024).ToString(Inv).PadLeft(5), HaskellShow.Fixed(i.Util.Cpu, 3), HaskellShow.Fixed(i.Util.Mem, 3),
            HaskellShow.Fixed(i.Util.Dsk, 3), HaskellShow.Fixed(i.Util.Net, 3),
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
                badInsts.ToString(Inv), bad.Count == 0 ? "True" : "False", HaskellShow.Fixed(Metrics.Score(nodes)),
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
               $"iPolicyVcpuRatio = {HaskellShow.Double(p.VcpuRatio)}, iPolicySpindleRatio = {HaskellShow.Double(p.SpindleRatio)}}}";
    }

    /// <summary>
    /// A machine-readable value as Ganeti's tools print it: in single quotes unless it is made
    /// of letters, digits and dots only (so negative figures and lists are quoted).
    /// </summary>
    public static string EnsureQuoted(string v) => v.All(c => char.IsLetterOrDigit(c) || c == '.') ? v : "'" + v + "'";
}
