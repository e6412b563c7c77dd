using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ganeti.Remoting.NodeRpc.Messages;

/// <summary>
/// An instance as a node needs it to run it: the parameters already layered (cluster, OS,
/// instance), the NICs with their effective mode and link, and names rather than UUIDs.
/// </summary>
public sealed record InstanceSpec
{
    public required string Name { get; init; }
    public required string Uuid { get; init; }
    public required string Hypervisor { get; init; }
    public string Os { get; init; } = "";
    public string PrimaryNode { get; init; } = "";
    public IReadOnlyList<string> SecondaryNodes { get; init; } = [];
    public Dictionary<string, JsonElement> Hvparams { get; init; } = [];
    public Dictionary<string, JsonElement> Beparams { get; init; } = [];
    public Dictionary<string, JsonElement> Osparams { get; init; } = [];
    public IReadOnlyList<NicSpec> Nics { get; init; } = [];
    public IReadOnlyList<DiskSpec> Disks { get; init; } = [];
    public int? NetworkPort { get; init; }
    public double Ctime { get; init; }
    public double Mtime { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Maximum memory in MiB (beparam maxmem).</summary>
    public long MaxMemory => Beparams.TryGetValue("maxmem", out var v) && v.TryGetInt64(out var m) ? m : 128;

    /// <summary>Virtual CPUs (beparam vcpus).</summary>
    public int Vcpus => Beparams.TryGetValue("vcpus", out var v) && v.TryGetInt32(out var c) ? c : 1;
}

/// <summary>A NIC with its effective parameters.</summary>
public sealed record NicSpec
{
    public string Uuid { get; init; } = "";
    public string? Name { get; init; }
    public required string Mac { get; init; }
    public string? Ip { get; init; }
    /// <summary>bridged, routed or openvswitch.</summary>
    public string Mode { get; init; } = "bridged";
    /// <summary>The bridge (bridged mode) or routing table (routed mode).</summary>
    public string Link { get; init; } = "";
    public string Vlan { get; init; } = "";
    public string? Network { get; init; }
    public string? NetworkName { get; init; }
}

/// <summary>A disk as the node sees it: template, logical id and, once assembled, its device path.</summary>
public sealed record DiskSpec
{
    public required string Uuid { get; init; }
    public string? Name { get; init; }
    public required string DevType { get; init; }
    public IReadOnlyList<JsonElement> LogicalId { get; init; } = [];
    [JsonPropertyName("size")]
    public long SizeMiB { get; init; }
    public string Mode { get; init; } = "rw";
    public Dictionary<string, JsonElement> Params { get; init; } = [];
    public int Index { get; init; }
    /// <summary>Device path or file path after assembly; null before.</summary>
    public string? Path { get; init; }
    /// <summary>A URI a userspace consumer (qemu) can open directly, when the template has one.</summary>
    public string? Uri { get; init; }
    /// <summary>External storage provider name for the ext template.</summary>
    public string? Provider { get; init; }
    /// <summary>Component disks: for drbd, the data and the metadata logical volumes.</summary>
    public IReadOnlyList<DiskSpec> Children { get; init; } = [];
    /// <summary>
    /// What depends on the node the disk is used on, computed by the master per call (Ganeti's
    /// dynamic_params): for drbd local_node_ip, remote_node_ip, local_minor, remote_minor.
    /// </summary>
    public Dictionary<string, JsonElement> DynamicParams { get; init; } = [];
}
