namespace Ganeti.NodeHelpers.Storage;

/// <summary>
/// A storage unit as node info names it (Ganeti's storage_units): a storage type (file,
/// sharedfile, lvm-vg, lvm-pv, rbd, ext, blockdev) and a key (directory, volume group, pool,
/// provider).
/// </summary>
public sealed record StorageUnit(string Type, string Key);
