using System.Collections;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>Set-GntCluster's parameters, as plain values (null: leave unchanged).</summary>
public sealed class ClusterModifyParameters
{
    public IDictionary? HypervisorParameter { get; init; }
    public IDictionary? OSHypervisorParameter { get; init; }
    public IDictionary? BackendParameter { get; init; }
    public IDictionary? NicParameter { get; init; }
    public IDictionary? NodeParameter { get; init; }
    public IDictionary? DiskParameter { get; init; }
    public IDictionary? InstancePolicy { get; init; }
    public IDictionary? OSParameter { get; init; }
    public IDictionary? OSParameterPrivate { get; init; }
    public IDictionary? IAllocatorParameter { get; init; }
    public int? CandidatePoolSize { get; init; }
    public int? MaxRunningJobs { get; init; }
    public int? MaxTrackedJobs { get; init; }
    public string[]? EnabledHypervisors { get; init; }
    public string[]? EnabledDiskTemplates { get; init; }
    public string? DefaultIAllocator { get; init; }
    public bool? MaintainNodeHealth { get; init; }
    public bool? PreallocWipeDisks { get; init; }
    public bool? ModifyEtcHosts { get; init; }
    public bool? EnabledUserShutdown { get; init; }
    public string? MacPrefix { get; init; }
    public string? VolumeGroupName { get; init; }
    public string? DrbdHelper { get; init; }
    public string? FileStorageDir { get; init; }
    public string? SharedFileStorageDir { get; init; }
    public string[]? ReservedLvs { get; init; }
    public string[]? UidPool { get; init; }
    public string[]? AddUid { get; init; }
    public string[]? RemoveUid { get; init; }
    public string[]? AddHiddenOS { get; init; }
    public string[]? RemoveHiddenOS { get; init; }
    public string[]? AddBlacklistedOS { get; init; }
    public string[]? RemoveBlacklistedOS { get; init; }
}
