namespace Ganeti.NodeHelpers.Storage;

/// <summary>What blockdev_create knows besides the disk itself.</summary>
public sealed record DiskCreateRequest(string InstanceName, long SizeMiB, bool OnPrimary)
{
    /// <summary>Ganeti's exclusive_storage node parameter (plain): one PV per LV.</summary>
    public bool ExclusiveStorage { get; init; }
}
