using System.Text.Json.Nodes;
using static Ganeti.Remoting.Rapi.JsonFields;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>A node as RAPI lists it: the N_FIELDS of <c>GET /2/nodes?bulk=1</c>.</summary>
public sealed class GntNode
{
    public required string Name { get; init; }
    /// <summary>master, candidate, regular, drained or offline (Ganeti's M/C/R/D/O).</summary>
    public string? Role { get; init; }
    public bool? Offline { get; init; }
    public bool? Drained { get; init; }
    public bool? MasterCandidate { get; init; }
    public bool? MasterCapable { get; init; }
    public bool? VmCapable { get; init; }
    public long? MemoryTotalMB { get; init; }
    public long? MemoryFreeMB { get; init; }
    /// <summary>Memory used by the node itself (dom0 or host OS), MiB.</summary>
    public long? MemoryNodeMB { get; init; }
    public long? DiskTotalMB { get; init; }
    public long? DiskFreeMB { get; init; }
    public long? SpindlesTotal { get; init; }
    public long? SpindlesFree { get; init; }
    public long? CpuCount { get; init; }
    public long? CpuNodeCount { get; init; }
    public long? CpuSockets { get; init; }
    public long? CpusForNode { get; init; }
    public string? PrimaryIP { get; init; }
    public string? SecondaryIP { get; init; }
    public long? PrimaryInstanceCount { get; init; }
    public long? SecondaryInstanceCount { get; init; }
    public string[] PrimaryInstances { get; init; } = [];
    public string[] SecondaryInstances { get; init; } = [];
    public string? GroupUuid { get; init; }
    public ParamDictionary NdParams { get; init; } = new();
    public string[] Tags { get; init; } = [];
    public string? Uuid { get; init; }
    public long? SerialNo { get; init; }
    public DateTime? CreationTime { get; init; }
    public DateTime? ModificationTime { get; init; }

    public static GntNode FromFields(JsonObject o) => new()
    {
        Name = Str(o, "name") ?? "",
        Role = RoleName(Str(o, "role")),
        Offline = Bool(o, "offline"),
        Drained = Bool(o, "drained"),
        MasterCandidate = Bool(o, "master_candidate"),
        MasterCapable = Bool(o, "master_capable"),
        VmCapable = Bool(o, "vm_capable"),
        MemoryTotalMB = Long(o, "mtotal"),
        MemoryFreeMB = Long(o, "mfree"),
        MemoryNodeMB = Long(o, "mnode"),
        DiskTotalMB = Long(o, "dtotal"),
        DiskFreeMB = Long(o, "dfree"),
        SpindlesTotal = Long(o, "sptotal"),
        SpindlesFree = Long(o, "spfree"),
        CpuCount = Long(o, "ctotal"),
        CpuNodeCount = Long(o, "cnodes"),
        CpuSockets = Long(o, "csockets"),
        CpusForNode = Long(o, "cnos"),
        PrimaryIP = Str(o, "pip"),
        SecondaryIP = Str(o, "sip"),
        PrimaryInstanceCount = Long(o, "pinst_cnt"),
        SecondaryInstanceCount = Long(o, "sinst_cnt"),
        PrimaryInstances = StrList(o, "pinst_list"),
        SecondaryInstances = StrList(o, "sinst_list"),
        GroupUuid = Str(o, "group.uuid"),
        NdParams = Dict(o, "ndparams"),
        Tags = StrList(o, "tags"),
        Uuid = Str(o, "uuid"),
        SerialNo = Long(o, "serial_no"),
        CreationTime = Time(o, "ctime"),
        ModificationTime = Time(o, "mtime"),
    };

    /// <summary>Ganeti's one-letter role codes, spelled out.</summary>
    public static string? RoleName(string? code) => code switch
    {
        "M" => "master",
        "C" => "candidate",
        "R" => "regular",
        "D" => "drained",
        "O" => "offline",
        _ => code,
    };

    public override string ToString() => Name;
}
