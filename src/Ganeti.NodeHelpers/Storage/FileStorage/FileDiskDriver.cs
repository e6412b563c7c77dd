using System.Text.Json;
using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Processes;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Storage.FileStorage;

/// <summary>
/// Ganeti's file and sharedfile templates: one image file per disk, logical_id [driver, path]
/// with driver loop, blktap or blktap2 (the hypervisor opens the file itself, so the driver
/// only matters to the OS scripts' DISK_n_BACKEND_TYPE). Raw images are sparse files;
/// qcow2 images (disk parameter format=qcow2) are made and grown by qemu-img. Every path is
/// checked against the allowed file storage paths before anything touches it.
/// </summary>
public sealed class FileDiskDriver(string template, FileStoragePolicy policy, ICommandRunner runner) : IBlockDeviceDriver
{
    public const string FileTemplate = "file";
    public const string SharedFileTemplate = "sharedfile";

    public static readonly IReadOnlyList<string> Drivers = ["loop", "blktap", "blktap2"];

    private const long MiB = 1024 * 1024;

    public string Template { get; } = template is FileTemplate or SharedFileTemplate
        ? template
        : throw new ArgumentException($"not a file-based template: {template}", nameof(template));

    public bool CanGrow => true;
    public bool CanSnapshot => false;

    public TimeSpan QemuImgTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The image path of a disk, checked against the policy.</summary>
    public string PathOf(IReadOnlyList<JsonElement> logicalId)
    {
        LogicalId.RequireCount(logicalId, 2, Template);
        var driver = LogicalId.String(logicalId, 0, Template);
        if (!Drivers.Contains(driver))
            throw GanetiException.WrongInput($"Unknown file driver '{driver}' (known: {string.Join(", ", Drivers)})");
        var path = LogicalId.String(logicalId, 1, Template);
        policy.Check(path);
        return path;
    }

    public async Task<AttachedDisk> CreateAsync(DiskSpec disk, DiskCreateRequest request, CancellationToken cancellationToken)
    {
        var path = PathOf(disk.LogicalId);
        var format = ImageFormat.Requested(LogicalId.Param(disk, "format"));
        if (request.SizeMiB <= 0)
            throw GanetiException.WrongInput($"Invalid disk size {request.SizeMiB} MiB");
        if (File.Exists(path) || Directory.Exists(path))
            throw GanetiException.Exists($"File storage path '{path}' already exists");
        var dir = Path.GetDirectoryName(path)!;
        CheckFits(dir, request.SizeMiB, path);

        var createdDirs = CreateDirectories(dir);
        try
        {
            if (format == ImageFormat.Qcow2)
            {
                await runner.RunCheckedAsync(
                    new CommandSpec("qemu-img", "create", "-q", "-f", "qcow2", path, $"{request.SizeMiB}M") { Timeout = QemuImgTimeout },
                    $"Creating qcow2 image {path} failed", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var f = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
                f.SetLength(request.SizeMiB * MiB);
            }
            Posix.SetMode(path, Posix.File0600);
            return new AttachedDisk(path, null, format);
        }
        catch (Exception e)
        {
            TryDelete(path);
            foreach (var d in createdDirs)
                TryRemoveEmptyDir(d);
            if (e is GanetiException or OperationCanceledException)
                throw;
            throw GanetiException.Exec($"Creating file disk {path} failed: {e.Message}", e);
        }
    }

    public Task RemoveAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var path = PathOf(disk.LogicalId);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.CompletedTask;
        }
        catch (IOException e)
        {
            throw GanetiException.Exec($"Removing file disk {path} failed: {e.Message}", e);
        }
        RemoveInstanceDirIfEmpty(path);
        return Task.CompletedTask;
    }

    public Task<AttachedDisk> AssembleAsync(DiskSpec disk, string instanceName, bool onPrimary, CancellationToken cancellationToken)
    {
        var path = PathOf(disk.LogicalId);
        if (!File.Exists(path))
            throw GanetiException.Exec($"File disk {path} does not exist");
        return Task.FromResult(new AttachedDisk(path, null, ImageFormat.Detect(path)));
    }

    public Task<AttachedDisk?> FindAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var path = PathOf(disk.LogicalId);
        return Task.FromResult(File.Exists(path) ? new AttachedDisk(path, null, ImageFormat.Detect(path)) : null);
    }

    // Nothing to undo: the hypervisor opens the file itself.
    public Task ShutdownAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        PathOf(disk.LogicalId);
        return Task.CompletedTask;
    }

    public async Task GrowAsync(DiskSpec disk, long amountMiB, bool dryRun, CancellationToken cancellationToken)
    {
        var path = PathOf(disk.LogicalId);
        if (amountMiB < 0)
            throw GanetiException.WrongInput($"Cannot shrink a disk (amount {amountMiB} MiB)");
        if (!File.Exists(path))
            throw GanetiException.Exec($"File disk {path} does not exist");
        CheckFits(Path.GetDirectoryName(path)!, amountMiB, path);
        if (dryRun || amountMiB == 0)
            return;
        if (ImageFormat.Detect(path) == ImageFormat.Qcow2)
        {
            await runner.RunCheckedAsync(
                new CommandSpec("qemu-img", "resize", "-q", "-f", "qcow2", path, $"+{amountMiB}M") { Timeout = QemuImgTimeout },
                $"Growing qcow2 image {path} failed", cancellationToken).ConfigureAwait(false);
            return;
        }
        using var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        f.SetLength(f.Length + amountMiB * MiB);
    }

    public Task RenameAsync(DiskSpec disk, IReadOnlyList<JsonElement> newLogicalId, CancellationToken cancellationToken)
    {
        var oldPath = PathOf(disk.LogicalId);
        var newPath = PathOf(newLogicalId);
        if (oldPath == newPath)
            return Task.CompletedTask;
        if (!File.Exists(oldPath))
            throw GanetiException.Exec($"Cannot rename file disk {oldPath}: it does not exist");
        if (File.Exists(newPath) || Directory.Exists(newPath))
            throw GanetiException.Exists($"Cannot rename file disk {oldPath}: '{newPath}' already exists");
        var created = CreateDirectories(Path.GetDirectoryName(newPath)!);
        try
        {
            File.Move(oldPath, newPath, overwrite: false);
        }
        catch (IOException e)
        {
            foreach (var d in created)
                TryRemoveEmptyDir(d);
            throw GanetiException.Exec($"Renaming file disk {oldPath} to {newPath} failed: {e.Message}", e);
        }
        RemoveInstanceDirIfEmpty(oldPath);
        return Task.CompletedTask;
    }

    // Ganeti keeps no metadata for file disks.
    public Task SetInfoAsync(DiskSpec disk, string info, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<JsonElement>> SnapshotAsync(DiskSpec disk, string snapshotName, CancellationToken cancellationToken) =>
        throw GanetiException.Prereq($"The {Template} disk template does not support snapshots", ErrorCodes.WrongInput);

    public Task<DiskSyncStatus> GetSyncStatusAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var path = PathOf(disk.LogicalId);
        return Task.FromResult(File.Exists(path) ? DiskSyncStatus.Healthy : new DiskSyncStatus(null, null, true, "faulty"));
    }

    public Task<IReadOnlyList<StorageSpace>> GetSpaceAsync(IReadOnlyList<StorageUnit> units, CancellationToken cancellationToken)
    {
        IReadOnlyList<StorageSpace> result = [.. units.Select(unit =>
        {
            var (total, avail) = FileSystemSpace.Of(unit.Key);
            return new StorageSpace(unit.Type, unit.Key, total / MiB, avail / MiB);
        })];
        return Task.FromResult(result);
    }

    private void CheckFits(string dir, long sizeMiB, string path)
    {
        var (_, avail) = FileSystemSpace.Of(dir);
        if (sizeMiB * MiB > avail)
            throw GanetiException.Prereq(
                $"Not enough space for {path}: {sizeMiB} MiB requested, {avail / MiB} MiB free in {dir}",
                ErrorCodes.InsufficientResources);
    }

    /// <summary>Creates dir and missing parents below the allowed root; returns those created, deepest first.</summary>
    private List<string> CreateDirectories(string dir)
    {
        var created = new List<string>();
        for (var d = dir; !Directory.Exists(d); d = Path.GetDirectoryName(d)!)
            created.Add(d);
        foreach (var d in Enumerable.Reverse(created))
            Posix.CreateDirectory(d, Posix.Dir0750);
        return created;
    }

    /// <summary>The per-instance directory goes with its last disk, never an allowed root itself.</summary>
    private void RemoveInstanceDirIfEmpty(string path)
    {
        var dir = Path.GetDirectoryName(path)!;
        if (policy.RootOf(dir) is not null)
            TryRemoveEmptyDir(dir);
    }

    private static void TryRemoveEmptyDir(string dir)
    {
        try
        {
            if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any())
                Directory.Delete(dir);
        }
        catch (IOException)
        {
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
