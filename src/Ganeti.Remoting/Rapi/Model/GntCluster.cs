using System.Text.Json.Nodes;
using static Ganeti.Remoting.Rapi.JsonFields;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>The cluster as <c>GET /2/info</c> describes it (what <c>gnt-cluster info</c> shows).</summary>
public sealed class GntCluster
{
    public required string Name { get; init; }
    public string? Master { get; init; }
    public string? SoftwareVersion { get; init; }
    public string? VcsVersion { get; init; }
    public long? ProtocolVersion { get; init; }
    public long? ConfigVersion { get; init; }
    public long? OsApiVersion { get; init; }
    public long? ExportVersion { get; init; }
    public string[] Architecture { get; init; } = [];
    public string? DefaultHypervisor { get; init; }
    public string[] EnabledHypervisors { get; init; } = [];
    public string[] EnabledDiskTemplates { get; init; } = [];
    public long? CandidatePoolSize { get; init; }
    public string? MasterNetdev { get; init; }
    public string? FileStorageDir { get; init; }
    public ParamDictionary BeParams { get; init; } = new();
    public ParamDictionary HvParams { get; init; } = new();
    public ParamDictionary NdParams { get; init; } = new();
    public string[] Tags { get; init; } = [];
    public string? Uuid { get; init; }
    public DateTime? CreationTime { get; init; }
    public DateTime? ModificationTime { get; init; }
    /// <summary>Every member of the answer, for what has no property here.</summary>
    public ParamDictionary Info { get; init; } = new();

    public static GntCluster FromInfo(JsonObject o)
    {
        var be = Dict(o, "beparams");
        return new GntCluster
        {
            Name = Str(o, "name") ?? "",
            Master = Str(o, "master"),
            SoftwareVersion = Str(o, "software_version"),
            VcsVersion = Str(o, "vcs_version"),
            ProtocolVersion = Long(o, "protocol_version"),
            ConfigVersion = Long(o, "config_version"),
            OsApiVersion = Long(o, "os_api_version"),
            ExportVersion = Long(o, "export_version"),
            Architecture = StrList(o, "architecture"),
            DefaultHypervisor = Str(o, "default_hypervisor"),
            EnabledHypervisors = StrList(o, "enabled_hypervisors"),
            EnabledDiskTemplates = StrList(o, "enabled_disk_templates"),
            CandidatePoolSize = Long(o, "candidate_pool_size"),
            MasterNetdev = Str(o, "master_netdev"),
            FileStorageDir = Str(o, "file_storage_dir"),
            // Ganeti nests the cluster defaults under the "default" group key.
            BeParams = be["default"] as ParamDictionary ?? be,
            HvParams = Dict(o, "hvparams"),
            NdParams = Dict(o, "ndparams"),
            Tags = StrList(o, "tags"),
            Uuid = Str(o, "uuid"),
            CreationTime = Time(o, "ctime"),
            ModificationTime = Time(o, "mtime"),
            Info = ToPlain(o) as ParamDictionary ?? new ParamDictionary(),
        };
    }

    public override string ToString() => Name;
}
