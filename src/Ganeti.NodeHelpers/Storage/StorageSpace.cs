namespace Ganeti.NodeHelpers.Storage;

/// <summary>
/// One storage unit's space as node info reports it (Ganeti's storage_info entries): type is
/// the storage type (file, sharedfile, lvm-vg, lvm-pv, rbd, ext), key the unit (directory,
/// volume group, pool, provider), sizes in MiB.
/// </summary>
public sealed record StorageSpace(string Type, string Key, long StorageSize, long StorageFree)
{
    /// <summary>Present only where the unit counts spindles (lvm-pv with exclusive storage).</summary>
    public long? SpindlesTotal { get; init; }
    public long? SpindlesFree { get; init; }
}
