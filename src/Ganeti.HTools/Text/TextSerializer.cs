using System.Globalization;
using System.Text;
using Ganeti.HTools.Model;

namespace Ganeti.HTools.Text;

/// <summary>Writes a cluster back in the htools text format (what hbal -S saves).</summary>
public static class TextSerializer
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Serialize(ClusterData cd)
    {
        var g = new StringBuilder();
        foreach (var grp in cd.Groups)
            g.Append(grp.Name).Append('|').Append(grp.Uuid).Append('|').Append(AllocPolicies.ToRaw(grp.AllocPolicy))
             .Append('|').Append(string.Join(",", grp.Tags)).Append('|').Append(string.Join(",", grp.Networks)).Append('\n');
        var n = new StringBuilder();
        foreach (var node in cd.Nodes) n.Append(SerializeNode(cd, node)).Append('\n');
        var i = new StringBuilder();
        foreach (var inst in cd.Instances) i.Append(SerializeInstance(cd, inst)).Append('\n');
        var t = new StringBuilder();
        foreach (var tag in cd.Tags) t.Append(tag).Append('\n');
        var p = new StringBuilder();
        p.Append(SerializeIPolicy("", cd.Policy)).Append('\n');
        foreach (var grp in cd.Groups) p.Append(SerializeIPolicy(grp.Name, grp.Policy)).Append('\n');
        return string.Join("\n", g, n, i, t, p);
    }

    public static string SerializeNode(ClusterData cd, Node node)
    {
        var s = node.State;
        char flag = s.Offline ? 'Y' : node.IsMaster ? 'M' : 'N';
        return string.Join("|",
            node.Name, HaskellShow.Fixed(s.TMem, 0), s.NMem.ToString(Inv), s.FMem.ToString(Inv),
            HaskellShow.Fixed(s.TDsk, 0), s.FDsk.ToString(Inv), HaskellShow.Fixed(s.TCpu, 0), flag.ToString(),
            cd.Groups[node.Group].Uuid, s.TSpindles.ToString(Inv), string.Join(",", node.Tags),
            s.ExclStorage ? "Y" : "N", s.FSpindles.ToString(Inv), s.NCpu.ToString(Inv), HaskellShow.Fixed(s.CpuSpeed, 6));
    }

    public static string SerializeInstance(ClusterData cd, Instance inst)
    {
        return string.Join("|",
            inst.Name, inst.Mem.ToString(Inv), inst.Dsk.ToString(Inv), inst.Vcpus.ToString(Inv),
            InstanceStatuses.ToRaw(inst.Status), inst.AutoBalance ? "Y" : "N", cd.Nodes[inst.PNode].Name,
            inst.SNode == Instance.NoNode ? "" : cd.Nodes[inst.SNode].Name, DiskTemplates.ToRaw(inst.DiskTemplate),
            string.Join(",", inst.Tags), inst.SpindleUse.ToString(Inv),
            inst.TotalSpindles is int sp ? sp.ToString(Inv) : "-", inst.Forthcoming ? "Y" : "N");
    }

    public static string SerializeIPolicy(string owner, IPolicy p)
    {
        var minmax = string.Join(";", p.MinMax.SelectMany(mm => new[] { mm.Min.Serialize(), mm.Max.Serialize() }));
        return string.Join("|", owner, p.Std.Serialize(), minmax, string.Join(",", p.DiskTemplates.Select(DiskTemplates.ToRaw)),
            HaskellShow.Double(p.VcpuRatio), HaskellShow.Double(p.SpindleRatio));
    }
}
