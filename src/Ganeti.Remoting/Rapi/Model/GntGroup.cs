using System.Text.Json.Nodes;
using static Ganeti.Remoting.Rapi.JsonFields;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>A node group as RAPI lists it: the G_FIELDS of <c>GET /2/groups?bulk=1</c>.</summary>
public sealed class GntGroup
{
    public required string Name { get; init; }
    public string? Uuid { get; init; }
    /// <summary>preferred, last_resort or unallocable: whether (and how eagerly) allocation places instances here.</summary>
    public string? AllocPolicy { get; init; }
    public long? NodeCount { get; init; }
    /// <summary>The names of the group's nodes.</summary>
    public string[] Nodes { get; init; } = [];
    /// <summary>The instance policy in force: the group's overrides filled with the cluster's.</summary>
    public ParamDictionary IPolicy { get; init; } = new();
    /// <summary>Only the group's own instance policy overrides.</summary>
    public ParamDictionary CustomIPolicy { get; init; } = new();
    /// <summary>Node parameters in force for the group's nodes (group overrides filled with the cluster's).</summary>
    public ParamDictionary NdParams { get; init; } = new();
    public ParamDictionary CustomNdParams { get; init; } = new();
    /// <summary>Disk parameters per disk template in force in the group.</summary>
    public ParamDictionary DiskParams { get; init; } = new();
    public ParamDictionary CustomDiskParams { get; init; } = new();
    public string[] Tags { get; init; } = [];
    public long? SerialNo { get; init; }
    public DateTime? CreationTime { get; init; }
    public DateTime? ModificationTime { get; init; }

    public static GntGroup FromFields(JsonObject o) => new()
    {
        Name = Str(o, "name") ?? "",
        Uuid = Str(o, "uuid"),
        AllocPolicy = Str(o, "alloc_policy"),
        NodeCount = Long(o, "node_cnt"),
        Nodes = StrList(o, "node_list"),
        IPolicy = Dict(o, "ipolicy"),
        CustomIPolicy = Dict(o, "custom_ipolicy"),
        NdParams = Dict(o, "ndparams"),
        CustomNdParams = Dict(o, "custom_ndparams"),
        DiskParams = Dict(o, "diskparams"),
        CustomDiskParams = Dict(o, "custom_diskparams"),
        Tags = StrList(o, "tags"),
        SerialNo = Long(o, "serial_no"),
        CreationTime = Time(o, "ctime"),
        ModificationTime = Time(o, "mtime"),
    };

    public override string ToString() => Name;
}
