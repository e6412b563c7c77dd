namespace Ganeti.NodeHelpers.Storage;

/// <summary>
/// Ganeti's BlockDevStatus: sync progress for mirrors (null when in sync or not a mirror),
/// whether the disk is degraded, and the local disk status (Ganeti's LDS_*: ok, sync, faulty, unknown).
/// </summary>
public sealed record DiskSyncStatus(double? SyncPercent, int? EstimatedTimeSeconds, bool IsDegraded, string LdiskStatus)
{
    public static readonly DiskSyncStatus Healthy = new(null, null, false, "ok");
}
