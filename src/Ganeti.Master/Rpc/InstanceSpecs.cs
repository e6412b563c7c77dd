using System.Text.Json;
using Ganeti.Core.Config;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.Master.Rpc;

/// <summary>
/// Builds what a node needs to run an instance from the configuration: parameters layered as
/// Ganeti layers them (cluster defaults, then OS-specific hypervisor parameters, then the
/// instance's own), NICs with their effective mode and link, disks with their logical ids.
/// </summary>
public static class InstanceSpecs
{
    public static Dictionary<string, JsonElement> FilledHvParams(ConfigData cfg, Instance inst) =>
        FilledHvParams(cfg, inst.Hypervisor, inst.Os, inst.Hvparams);

    public static Dictionary<string, JsonElement> FilledHvParams(ConfigData cfg, string hypervisor, string os,
        IReadOnlyDictionary<string, JsonElement> own)
    {
        cfg.Cluster.Hvparams.TryGetValue(hypervisor, out var cluster);
        Dictionary<string, JsonElement>? osLayer = null;
        if (cfg.Cluster.OsHvp.TryGetValue(BaseOsName(os), out var perHv)) perHv.TryGetValue(hypervisor, out osLayer);
        Dictionary<string, JsonElement>? variantLayer = null;
        if (os != BaseOsName(os) && cfg.Cluster.OsHvp.TryGetValue(os, out var perHv2)) perHv2.TryGetValue(hypervisor, out variantLayer);
        return Params.Fill(cluster, osLayer, variantLayer, own);
    }

    public static Dictionary<string, JsonElement> FilledBeParams(ConfigData cfg, Instance inst) =>
        FilledBeParams(cfg, inst.Beparams);

    public static Dictionary<string, JsonElement> FilledBeParams(ConfigData cfg, IReadOnlyDictionary<string, JsonElement> own)
    {
        cfg.Cluster.Beparams.TryGetValue("default", out var cluster);
        return Params.Fill(cluster, own);
    }

    public static Dictionary<string, JsonElement> FilledOsParams(ConfigData cfg, Instance inst)
    {
        cfg.Cluster.Osparams.TryGetValue(BaseOsName(inst.Os), out var osLayer);
        Dictionary<string, JsonElement>? variantLayer = null;
        if (inst.Os != BaseOsName(inst.Os)) cfg.Cluster.Osparams.TryGetValue(inst.Os, out variantLayer);
        return Params.Fill(osLayer, variantLayer, inst.Osparams, inst.OsparamsPrivate);
    }

    public static Dictionary<string, JsonElement> FilledNicParams(ConfigData cfg, Nic nic)
    {
        cfg.Cluster.Nicparams.TryGetValue("default", out var cluster);
        return Params.Fill(cluster, nic.Nicparams);
    }

    public static string BaseOsName(string os)
    {
        var plus = os.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? os : os[..plus];
    }

    public static NicSpec Nic(ConfigData cfg, Nic nic)
    {
        var p = FilledNicParams(cfg, nic);
        var net = nic.Network is null ? null : cfg.FindNetwork(nic.Network);
        return new NicSpec
        {
            Uuid = nic.Uuid,
            Name = nic.Name,
            Mac = nic.Mac,
            Ip = nic.Ip,
            Mode = Params.GetString(p, "mode") ?? "bridged",
            Link = Params.GetString(p, "link") ?? "",
            Vlan = Params.GetString(p, "vlan") ?? "",
            Network = net?.Uuid,
            NetworkName = net?.Name,
        };
    }

    public static DiskSpec Disk(Disk disk, int index, string? path = null, string? uri = null) => new()
    {
        Uuid = disk.Uuid,
        Name = disk.Name,
        DevType = disk.DevType,
        LogicalId = disk.LogicalId,
        SizeMiB = disk.Size,
        Mode = disk.Mode,
        Params = disk.Params,
        Index = index,
        Path = path,
        Uri = uri,
        Provider = disk.Params.TryGetValue("provider", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null,
    };

    /// <summary>
    /// The disk as one of its nodes needs it: its children (a drbd disk's data and metadata
    /// volumes) and, for drbd, the dynamic parameters Ganeti computes per node: this node's and
    /// the peer's replication address and minor, from logical_id [pnode, snode, port, pminor, sminor, secret].
    /// </summary>
    public static DiskSpec Disk(ConfigData cfg, Disk disk, int index, string nodeUuid)
    {
        var spec = Disk(disk, index) with { Children = disk.Children.Select((c, i) => Disk(cfg, c, i, nodeUuid)).ToList() };
        if (disk.DevType != "drbd" || disk.LogicalId.Count != 6)
            return spec;
        var nodes = new[] { disk.LogicalId[0].GetString()!, disk.LogicalId[1].GetString()! };
        var minors = new[] { disk.LogicalId[3].GetInt32(), disk.LogicalId[4].GetInt32() };
        var local = Array.IndexOf(nodes, nodeUuid);
        if (local < 0)
            throw Core.Errors.GanetiException.Program($"Node {nodeUuid} holds no side of drbd disk {disk.Uuid}");
        var remote = 1 - local;
        string Ip(string uuid) => cfg.Nodes[uuid] is { } n && !string.IsNullOrEmpty(n.SecondaryIp) ? n.SecondaryIp : cfg.Nodes[uuid].PrimaryIp;
        return spec with
        {
            DynamicParams = new()
            {
                ["local_node_ip"] = Params.Value(Ip(nodes[local])),
                ["remote_node_ip"] = Params.Value(Ip(nodes[remote])),
                ["local_minor"] = JsonSerializer.SerializeToElement(minors[local]),
                ["remote_minor"] = JsonSerializer.SerializeToElement(minors[remote]),
            },
        };
    }

    /// <summary>The instance as its primary node needs it; disk paths are filled in once assembled.</summary>
    public static InstanceSpec Build(ConfigData cfg, Instance inst, IReadOnlyList<DiskSpec>? assembledDisks = null)
    {
        var disks = assembledDisks ?? cfg.InstanceDisks(inst).Select((d, i) => Disk(cfg, d, i, inst.PrimaryNode)).ToList();
        return new InstanceSpec
        {
            Name = inst.Name,
            Uuid = inst.Uuid,
            Hypervisor = inst.Hypervisor,
            Os = inst.Os,
            PrimaryNode = cfg.Nodes.TryGetValue(inst.PrimaryNode, out var pn) ? pn.Name : inst.PrimaryNode,
            SecondaryNodes = cfg.SecondaryNodes(inst).Select(u => cfg.Nodes.TryGetValue(u, out var n) ? n.Name : u).ToList(),
            Hvparams = FilledHvParams(cfg, inst),
            Beparams = FilledBeParams(cfg, inst),
            Osparams = FilledOsParams(cfg, inst),
            Nics = inst.Nics.Select(n => Nic(cfg, n)).ToList(),
            Disks = disks,
            NetworkPort = inst.NetworkPort,
            Ctime = inst.Ctime,
            Mtime = inst.Mtime,
            Tags = inst.Tags,
        };
    }
}
