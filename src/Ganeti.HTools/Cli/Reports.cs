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
}
