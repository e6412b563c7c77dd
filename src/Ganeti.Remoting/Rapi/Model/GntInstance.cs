using System.Text.Json.Nodes;
using static Ganeti.Remoting.Rapi.JsonFields;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>
/// An instance (virtual machine) as RAPI lists it: the I_FIELDS of <c>GET /2/instances?bulk=1</c>
/// or the fields of a <c>/2/query/instance</c> request. Fields the server did not send are null.
/// </summary>
public sealed class GntInstance
{
    public required string Name { get; init; }
    /// <summary>Ganeti's combined status: running, ADMIN_down, ERROR_down, USER_down, ...</summary>
    public string? Status { get; init; }
    /// <summary>What the configuration says the state should be: up, down or offline.</summary>
    public string? AdminState { get; init; }
    /// <summary>Whether the instance is actually running.</summary>
    public bool? OperState { get; init; }
    public string? PrimaryNode { get; init; }
    public string[] SecondaryNodes { get; init; } = [];
    public string? OS { get; init; }
    public string? DiskTemplate { get; init; }
    /// <summary>Configured (maximum) memory in MiB.</summary>
    public long? MemoryMB { get; init; }
    public long? MinMemoryMB { get; init; }
    public long? VCpus { get; init; }
    /// <summary>Memory in MiB the running instance has, null when it is not running.</summary>
    public long? OperMemoryMB { get; init; }
    public long? OperVCpus { get; init; }
    public GntInstanceDisk[] Disks { get; init; } = [];
    /// <summary>Total disk space used, MiB.</summary>
    public long? DiskUsageMB { get; init; }
    public GntInstanceNic[] Nics { get; init; } = [];
    public long? NetworkPort { get; init; }
    public ParamDictionary BeParams { get; init; } = new();
    public ParamDictionary HvParams { get; init; } = new();
    public ParamDictionary CustomBeParams { get; init; } = new();
    public ParamDictionary CustomHvParams { get; init; } = new();
    public string[] Tags { get; init; } = [];
    public string? Uuid { get; init; }
    public long? SerialNo { get; init; }
    public DateTime? CreationTime { get; init; }
    public DateTime? ModificationTime { get; init; }

    /// <summary>Maps one field dictionary (bulk listing, single GET or query row).</summary>
    public static GntInstance FromFields(JsonObject o)
    {
        var be = Dict(o, "beparams");
        var sizes = LongList(o, "disk.sizes");
        var spindles = LongList(o, "disk.spindles");
        var duuids = NullableStrList(o, "disk.uuids");
        var dnames = NullableStrList(o, "disk.names");
        var macs = NullableStrList(o, "nic.macs");
        var ips = NullableStrList(o, "nic.ips");
        var modes = NullableStrList(o, "nic.modes");
        var links = NullableStrList(o, "nic.links");
        var nets = NullableStrList(o, "nic.networks");
        var netNames = NullableStrList(o, "nic.networks.names");
        var bridges = NullableStrList(o, "nic.bridges");
        var nuuids = NullableStrList(o, "nic.uuids");
        var nnames = NullableStrList(o, "nic.names");
        var diskCount = new[] { sizes.Length, duuids.Length, dnames.Length }.Max();
        var nicCount = new[] { macs.Length, ips.Length, modes.Length, links.Length, nuuids.Length, nnames.Length }.Max();

        return new GntInstance
        {
            Name = Str(o, "name") ?? "",
            Status = Str(o, "status"),
            AdminState = AdminStateOf(o["admin_state"]) ?? AdminStateOf(o["admin_up"]),
            OperState = Bool(o, "oper_state"),
            PrimaryNode = Str(o, "pnode"),
            SecondaryNodes = StrList(o, "snodes"),
            OS = Str(o, "os"),
            DiskTemplate = Str(o, "disk_template"),
            MemoryMB = PlainLong(be["maxmem"]) ?? PlainLong(be["memory"]),
            MinMemoryMB = PlainLong(be["minmem"]),
            VCpus = PlainLong(be["vcpus"]),
            OperMemoryMB = Long(o, "oper_ram"),
            OperVCpus = Long(o, "oper_vcpus"),
            Disks = Enumerable.Range(0, diskCount).Select(i => new GntInstanceDisk
            {
                Index = i,
                SizeMB = At(sizes, i),
                Spindles = At(spindles, i),
                Uuid = At(duuids, i),
                Name = At(dnames, i),
            }).ToArray(),
            DiskUsageMB = Long(o, "disk_usage"),
            Nics = Enumerable.Range(0, nicCount).Select(i => new GntInstanceNic
            {
                Index = i,
                MacAddress = At(macs, i),
                IPAddress = At(ips, i),
                Mode = At(modes, i),
                Link = At(links, i),
                Network = At(nets, i),
                NetworkName = At(netNames, i),
                Bridge = At(bridges, i),
                Uuid = At(nuuids, i),
                Name = At(nnames, i),
            }).ToArray(),
            NetworkPort = Long(o, "network_port"),
            BeParams = be,
            HvParams = Dict(o, "hvparams"),
            CustomBeParams = Dict(o, "custom_beparams"),
            CustomHvParams = Dict(o, "custom_hvparams"),
            Tags = StrList(o, "tags"),
            Uuid = Str(o, "uuid"),
            SerialNo = Long(o, "serial_no"),
            CreationTime = Time(o, "ctime"),
            ModificationTime = Time(o, "mtime"),
        };
    }

    private static string? AdminStateOf(JsonNode? n) => n switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "up" : "down",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => null,
    };

    private static T? At<T>(T[] a, int i) => i < a.Length ? a[i] : default;

    public override string ToString() => Name;
}
