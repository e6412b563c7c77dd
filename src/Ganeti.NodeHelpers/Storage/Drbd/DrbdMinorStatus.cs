namespace Ganeti.NodeHelpers.Storage.Drbd;

/// <summary>
/// The state of one DRBD minor as /proc/drbd (8.x) or drbdsetup status (9.x) shows it:
/// connection state (cs), roles (ro), disk states (ds) and, while resyncing, progress.
/// </summary>
public sealed record DrbdMinorStatus(int Minor, string ConnectionState)
{
    public string? LocalRole { get; init; }
    public string? PeerRole { get; init; }
    public string? LocalDisk { get; init; }
    public string? PeerDisk { get; init; }
    public double? SyncPercent { get; init; }
    public int? EstimatedSeconds { get; init; }

    public bool IsUnconfigured => ConnectionState == "Unconfigured";
    public bool IsConnected => ConnectionState == "Connected";
    public bool IsStandalone => ConnectionState == "StandAlone";
    public bool IsInResync => ConnectionState is "SyncSource" or "SyncTarget" or "PausedSyncS" or "PausedSyncT";
    public bool IsPrimary => LocalRole == "Primary";
    public bool IsLocalUpToDate => LocalDisk == "UpToDate";
    public bool IsDiskless => LocalDisk == "Diskless";

    /// <summary>Ganeti's rule: degraded unless connected (or resyncing) with an up-to-date local disk.</summary>
    public DiskSyncStatus ToSyncStatus()
    {
        var ldisk = IsLocalUpToDate ? "ok" : IsDiskless ? "faulty" : IsInResync ? "sync" : "unknown";
        var degraded = !(IsConnected || IsInResync) || !IsLocalUpToDate;
        return new DiskSyncStatus(IsInResync ? SyncPercent ?? 0 : null, IsInResync ? EstimatedSeconds : null, degraded, ldisk);
    }
}
