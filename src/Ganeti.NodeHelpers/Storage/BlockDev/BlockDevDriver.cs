using System.Text.Json;
using Ganeti.Core.Errors;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Storage.BlockDev;

/// <summary>
/// Ganeti's blockdev template (PersistentBlockDevice): existing block devices adopted as
/// instance disks, logical_id ["manual", path]. Nothing is ever created or destroyed: create
/// checks that the device exists, is a block device under an adoptable root (Ganeti allows
/// /dev/disk/ only) and is large enough; remove leaves it alone. No grow, rename or snapshot.
/// </summary>
public sealed class BlockDevDriver(IReadOnlyList<string>? adoptableRoots = null) : IBlockDeviceDriver
{
    public const string TemplateName = "blockdev";
    public const string ManualDriver = "manual";

    public IReadOnlyList<string> AdoptableRoots { get; } = adoptableRoots ?? ["/dev/disk/"];

    public string Template => TemplateName;
    public bool CanGrow => false;
    public bool CanSnapshot => false;

    public string PathOf(IReadOnlyList<JsonElement> logicalId)
    {
        LogicalId.RequireCount(logicalId, 2, Template);
        var driver = LogicalId.String(logicalId, 0, Template);
        if (driver != ManualDriver)
            throw GanetiException.WrongInput($"Invalid blockdev driver '{driver}' (only '{ManualDriver}')");
        var path = LogicalId.String(logicalId, 1, Template);
        if (!Path.IsPathFullyQualified(path) || Path.GetFullPath(path) != path)
            throw GanetiException.WrongInput($"Device path '{path}' is not an absolute normalized path");
        if (!AdoptableRoots.Any(r => path.StartsWith(r, StringComparison.Ordinal)))
            throw GanetiException.WrongInput(
                $"Device path '{path}' is not under an adoptable root ({string.Join(", ", AdoptableRoots)})");
        return path;
    }

    public Task<AttachedDisk> CreateAsync(DiskSpec disk, DiskCreateRequest request, CancellationToken cancellationToken)
    {
        var path = PathOf(disk.LogicalId);
        var size = Check(path);
        if (size < request.SizeMiB << 20)
            throw GanetiException.Prereq(
                $"Block device {path} holds {size >> 20} MiB, less than the {request.SizeMiB} MiB requested",
                ErrorCodes.InsufficientResources);
        return Task.FromResult(new AttachedDisk(path, null));
    }

    // Adopted devices belong to the administrator: removing the disk only forgets it.
    public Task RemoveAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        PathOf(disk.LogicalId);
        return Task.CompletedTask;
    }

    public Task<AttachedDisk> AssembleAsync(DiskSpec disk, string instanceName, bool onPrimary, CancellationToken cancellationToken)
    {
        var path = PathOf(disk.LogicalId);
        Check(path);
        return Task.FromResult(new AttachedDisk(path, null));
    }

    public Task<AttachedDisk?> FindAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var path = PathOf(disk.LogicalId);
        return Task.FromResult(Posix.IsBlockDevice(path) ? new AttachedDisk(path, null) : null);
    }

    public Task ShutdownAsync(DiskSpec disk, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task GrowAsync(DiskSpec disk, long amountMiB, bool dryRun, CancellationToken cancellationToken) =>
        throw GanetiException.Prereq("Adopted block devices cannot be grown", ErrorCodes.WrongInput);

    public Task RenameAsync(DiskSpec disk, IReadOnlyList<JsonElement> newLogicalId, CancellationToken cancellationToken) =>
        throw GanetiException.Prereq("Adopted block devices cannot be renamed", ErrorCodes.WrongInput);

    public Task SetInfoAsync(DiskSpec disk, string info, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<JsonElement>> SnapshotAsync(DiskSpec disk, string snapshotName, CancellationToken cancellationToken) =>
        throw GanetiException.Prereq("The blockdev disk template does not support snapshots", ErrorCodes.WrongInput);

    public Task<DiskSyncStatus> GetSyncStatusAsync(DiskSpec disk, CancellationToken cancellationToken) =>
        Task.FromResult(Posix.IsBlockDevice(PathOf(disk.LogicalId)) ? DiskSyncStatus.Healthy : new DiskSyncStatus(null, null, true, "faulty"));

    // Adopted devices are not a pool with free space; Ganeti reports none for this template.
    public Task<IReadOnlyList<StorageSpace>> GetSpaceAsync(IReadOnlyList<StorageUnit> units, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StorageSpace>>([]);

    private static long Check(string path)
    {
        if (!File.Exists(path) && !Posix.IsBlockDevice(path))
            throw GanetiException.Exec($"Block device {path} does not exist");
        if (!Posix.IsBlockDevice(path))
            throw GanetiException.Exec($"{path} is not a block device");
        return BlockDevices.SizeBytes(path);
    }
}
