using System.Text.Json.Nodes;

namespace Ganeti.Remoting.Rapi.Requests;

/// <summary>
/// The parameters of an instance creation (OP_INSTANCE_CREATE) as RAPI's version-1 body
/// takes them. Null members are left out, so the master applies Ganeti's defaults.
/// </summary>
public sealed class InstanceCreateSpec
{
    public required string Name { get; init; }
    /// <summary>create, import or remote-import.</summary>
    public string Mode { get; init; } = "create";
    public string? OS { get; init; }
    /// <summary>Null lets the master choose (the cluster's first enabled template).</summary>
    public string? DiskTemplate { get; init; }
    /// <summary>Disks as Ganeti's dicts: size (MiB), name, mode, vg, spindles, ...</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Disks { get; init; } = [];
    /// <summary>NICs as Ganeti's dicts: mac, ip, mode, link, network, name, ...</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Nics { get; init; } = [];
    public long? MemoryMB { get; init; }
    public long? MinMemoryMB { get; init; }
    public long? VCpus { get; init; }
    public IReadOnlyDictionary<string, object?>? BeParams { get; init; }
    public IReadOnlyDictionary<string, object?>? HvParams { get; init; }
    public IReadOnlyDictionary<string, object?>? OsParams { get; init; }
    public string? Hypervisor { get; init; }
    public string? PrimaryNode { get; init; }
    public string? SecondaryNode { get; init; }
    public string? IAllocator { get; init; }
    public string? GroupName { get; init; }
    public bool? Start { get; init; }
    public bool? NoInstall { get; init; }
    public bool? NameCheck { get; init; }
    public bool? IpCheck { get; init; }
    public bool? WaitForSync { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }
    /// <summary>Import mode: the node holding the export.</summary>
    public string? SourceNode { get; init; }
    /// <summary>Import mode: the export directory (or its name, relative to the cluster's export directory).</summary>
    public string? SourcePath { get; init; }
    /// <summary>Import mode: transport compression when the export is on another node than the new primary.</summary>
    public string? Compress { get; init; }

    /// <summary>The body of <c>POST /2/instances</c> (request version 1).</summary>
    public JsonObject ToBody()
    {
        var b = new JsonObject
        {
            ["__version__"] = 1,
            ["mode"] = Mode,
            ["instance_name"] = Name,
            ["disks"] = new JsonArray(Disks.Select(d => (JsonNode?)RapiRequests.ToJson(d)).ToArray()),
            ["nics"] = new JsonArray(Nics.Select(n => (JsonNode?)RapiRequests.ToJson(n)).ToArray()),
        };
        if (DiskTemplate is not null) b["disk_template"] = DiskTemplate;
        if (OS is not null) b["os_type"] = OS;
        var be = BeParams is null ? new JsonObject() : RapiRequests.ToJson(BeParams);
        if (MemoryMB is { } mem)
        {
            be["maxmem"] = mem;
            be["minmem"] = MinMemoryMB ?? mem;
        }
        else if (MinMemoryMB is { } minmem)
        {
            be["minmem"] = minmem;
        }
        if (VCpus is { } vcpus) be["vcpus"] = vcpus;
        if (be.Count > 0) b["beparams"] = be;
        if (HvParams is { Count: > 0 }) b["hvparams"] = RapiRequests.ToJson(HvParams);
        if (OsParams is { Count: > 0 }) b["osparams"] = RapiRequests.ToJson(OsParams);
        if (Hypervisor is not null) b["hypervisor"] = Hypervisor;
        if (PrimaryNode is not null) b["pnode"] = PrimaryNode;
        if (SecondaryNode is not null) b["snode"] = SecondaryNode;
        if (IAllocator is not null) b["iallocator"] = IAllocator;
        if (GroupName is not null) b["group_name"] = GroupName;
        if (Start is { } start) b["start"] = start;
        if (NoInstall is { } noInstall) b["no_install"] = noInstall;
        if (NameCheck is { } nameCheck) b["name_check"] = nameCheck;
        if (IpCheck is { } ipCheck) b["ip_check"] = ipCheck;
        if (WaitForSync is { } wfs) b["wait_for_sync"] = wfs;
        if (SourceNode is not null) b["src_node"] = SourceNode;
        if (SourcePath is not null) b["src_path"] = SourcePath;
        if (Compress is not null) b["compress"] = Compress;
        if (Tags is { Count: > 0 }) b["tags"] = new JsonArray(Tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
        return b;
    }
}
