using System.Text.Json;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Storage;

/// <summary>
/// One disk template on a node, as Ganeti's bdev classes: the same operations for every
/// template, each refusing with a clear error where the template cannot do it. A disk is
/// always described by its DiskSpec (dev_type, logical_id, size, params); drivers keep no state.
/// </summary>
public interface IBlockDeviceDriver
{
    /// <summary>Ganeti's disk template name: file, sharedfile, blockdev, ext, plain, drbd, rbd.</summary>
    string Template { get; }

    bool CanGrow { get; }
    bool CanSnapshot { get; }

    /// <summary>Creates the disk; on failure nothing of it is left behind.</summary>
    Task<AttachedDisk> CreateAsync(DiskSpec disk, DiskCreateRequest request, CancellationToken cancellationToken);

    /// <summary>Removes the disk; a disk that is already gone is not an error.</summary>
    Task RemoveAsync(DiskSpec disk, CancellationToken cancellationToken);

    /// <summary>Makes the disk usable on this node and returns where it is (Ganeti's assemble).</summary>
    Task<AttachedDisk> AssembleAsync(DiskSpec disk, string instanceName, bool onPrimary, CancellationToken cancellationToken);

    /// <summary>Finds an existing disk without changing it (Ganeti's attach); null when it is not there.</summary>
    Task<AttachedDisk?> FindAsync(DiskSpec disk, CancellationToken cancellationToken);

    /// <summary>Makes the disk unusable on this node (Ganeti's shutdown); the data stays.</summary>
    Task ShutdownAsync(DiskSpec disk, CancellationToken cancellationToken);

    /// <summary>Grows the disk by amount; dry run only checks that it would fit.</summary>
    Task GrowAsync(DiskSpec disk, long amountMiB, bool dryRun, CancellationToken cancellationToken);

    /// <summary>Moves the disk to a new logical id of the same template.</summary>
    Task RenameAsync(DiskSpec disk, IReadOnlyList<JsonElement> newLogicalId, CancellationToken cancellationToken);

    /// <summary>Stores Ganeti's metadata text (instance name) where the template can keep it.</summary>
    Task SetInfoAsync(DiskSpec disk, string info, CancellationToken cancellationToken);

    /// <summary>Takes a snapshot and returns its logical id (templates in Ganeti's dtsSnapshotCapable).</summary>
    Task<IReadOnlyList<JsonElement>> SnapshotAsync(DiskSpec disk, string snapshotName, CancellationToken cancellationToken);

    /// <summary>Sync percentage (mirrors) and degradation.</summary>
    Task<DiskSyncStatus> GetSyncStatusAsync(DiskSpec disk, CancellationToken cancellationToken);

    /// <summary>Free and total space of this template's storage units on the node (node info).</summary>
    Task<IReadOnlyList<StorageSpace>> GetSpaceAsync(IReadOnlyList<StorageUnit> units, CancellationToken cancellationToken);
}
