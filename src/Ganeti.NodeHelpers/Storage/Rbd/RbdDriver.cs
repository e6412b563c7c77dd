using System.Globalization;
using System.Text.Json;
using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Processes;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Storage.Rbd;

/// <summary>
/// Ganeti's rbd template: a Ceph RBD image per disk, logical_id ["rbd", image name], in the
/// pool of the disk parameter pool. With access=kernelspace the image is mapped to /dev/rbdN
/// (rbd map); with userspace qemu opens rbd:pool/image itself and the URI says so. Driven
/// through the rbd and ceph CLIs; there is no Ceph cluster here, so tests use recorded JSON
/// output through <see cref="RecordingCommandRunner"/>, which records the commands that would run.
/// </summary>
public sealed class RbdDriver(ICommandRunner runner) : IBlockDeviceDriver
{
    public const string TemplateName = "rbd";

    public string Template => TemplateName;
    public bool CanGrow => true;
    public bool CanSnapshot => false;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    private static (string Pool, string Name, bool Userspace) Names(DiskSpec disk)
    {
        LogicalId.RequireCount(disk.LogicalId, 2, TemplateName);
        var name = LogicalId.String(disk.LogicalId, 1, TemplateName);
        var pool = LogicalId.Param(disk, "pool") ?? "rbd";
        foreach (var n in new[] { name, pool })
            if (n.Contains('/') || n.Contains('@') || n.StartsWith('-'))
                throw GanetiException.WrongInput($"Invalid RBD name '{n}'");
        return (pool, name, LogicalId.Param(disk, "access") == "userspace");
    }

    private static string Uri(string pool, string name) => $"rbd:{pool}/{name}";

    private Task<CommandResult> Run(string what, CancellationToken ct, params string[] args) =>
        runner.RunCheckedAsync(new CommandSpec("rbd", args) { Timeout = Timeout }, what, ct);

    public async Task<RbdMapping?> FindMappingAsync(string pool, string name, CancellationToken ct)
    {
        var r = await Run("Listing mapped RBD images failed", ct, "showmapped", "--format", "json").ConfigureAwait(false);
        return RbdOutput.ParseShowMapped(r.Stdout).FirstOrDefault(m => m.Pool == pool && m.Name == name && m.Snap is "-" or "");
    }

    private async Task<bool> ExistsAsync(string pool, string name, CancellationToken ct)
    {
        var r = await runner.RunAsync(new CommandSpec("rbd", "info", "-p", pool, name, "--format", "json") { Timeout = Timeout }, ct)
            .ConfigureAwait(false);
        if (r.Succeeded)
            return true;
        if (r.Stderr.Contains("No such file or directory", StringComparison.Ordinal))
            return false;
        throw GanetiException.Exec($"Querying RBD image {pool}/{name} failed: {r.FailureReason}");
    }

    public async Task<AttachedDisk> CreateAsync(DiskSpec disk, DiskCreateRequest request, CancellationToken cancellationToken)
    {
        var (pool, name, _) = Names(disk);
        if (request.SizeMiB <= 0)
            throw GanetiException.WrongInput($"Invalid disk size {request.SizeMiB} MiB");
        if (await ExistsAsync(pool, name, cancellationToken).ConfigureAwait(false))
            throw GanetiException.Exists($"RBD image {pool}/{name} already exists");
        await Run($"Creating RBD image {pool}/{name} failed", cancellationToken,
            "create", "-p", pool, name, "--size", request.SizeMiB.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        try
        {
            return await AssembleAsync(disk, request.InstanceName, request.OnPrimary, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await runner.RunAsync(new CommandSpec("rbd", "rm", "-p", pool, name) { Timeout = Timeout }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public async Task RemoveAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var (pool, name, _) = Names(disk);
        if (!await ExistsAsync(pool, name, cancellationToken).ConfigureAwait(false))
            return;
        if (await FindMappingAsync(pool, name, cancellationToken).ConfigureAwait(false) is { } m)
            await Run($"Unmapping RBD image {pool}/{name} failed", cancellationToken, "unmap", m.Device).ConfigureAwait(false);
        await Run($"Removing RBD image {pool}/{name} failed", cancellationToken, "rm", "-p", pool, name).ConfigureAwait(false);
    }

    public async Task<AttachedDisk> AssembleAsync(DiskSpec disk, string instanceName, bool onPrimary, CancellationToken cancellationToken)
    {
        var (pool, name, userspace) = Names(disk);
        if (userspace)
        {
            if (!await ExistsAsync(pool, name, cancellationToken).ConfigureAwait(false))
                throw GanetiException.Exec($"RBD image {pool}/{name} does not exist");
            return new AttachedDisk(Uri(pool, name), Uri(pool, name));
        }
        var mapped = await FindMappingAsync(pool, name, cancellationToken).ConfigureAwait(false);
        if (mapped is null)
        {
            var r = await Run($"Mapping RBD image {pool}/{name} failed", cancellationToken, "map", "-p", pool, name).ConfigureAwait(false);
            var device = r.Stdout.Trim();
            if (!device.StartsWith("/dev/", StringComparison.Ordinal))
                device = (await FindMappingAsync(pool, name, cancellationToken).ConfigureAwait(false))?.Device
                    ?? throw GanetiException.Exec($"RBD image {pool}/{name} was mapped but does not show as mapped");
            return new AttachedDisk(device, Uri(pool, name));
        }
        return new AttachedDisk(mapped.Device, Uri(pool, name));
    }

    public async Task<AttachedDisk?> FindAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var (pool, name, userspace) = Names(disk);
        if (userspace)
            return await ExistsAsync(pool, name, cancellationToken).ConfigureAwait(false) ? new AttachedDisk(Uri(pool, name), Uri(pool, name)) : null;
        var m = await FindMappingAsync(pool, name, cancellationToken).ConfigureAwait(false);
        return m is null ? null : new AttachedDisk(m.Device, Uri(pool, name));
    }

    public async Task ShutdownAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var (pool, name, userspace) = Names(disk);
        if (userspace)
            return;
        if (await FindMappingAsync(pool, name, cancellationToken).ConfigureAwait(false) is { } m)
            await Run($"Unmapping RBD image {pool}/{name} failed", cancellationToken, "unmap", m.Device).ConfigureAwait(false);
    }

    public async Task GrowAsync(DiskSpec disk, long amountMiB, bool dryRun, CancellationToken cancellationToken)
    {
        var (pool, name, _) = Names(disk);
        if (amountMiB < 0)
            throw GanetiException.WrongInput($"Cannot shrink a disk (amount {amountMiB} MiB)");
        if (dryRun)
            return;
        await Run($"Growing RBD image {pool}/{name} failed", cancellationToken, "resize", "-p", pool, name,
            "--size", (disk.SizeMiB + amountMiB).ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
    }

    public Task RenameAsync(DiskSpec disk, IReadOnlyList<JsonElement> newLogicalId, CancellationToken cancellationToken) =>
        throw GanetiException.Prereq("RBD disks cannot be renamed", ErrorCodes.WrongInput);

    public Task SetInfoAsync(DiskSpec disk, string info, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<JsonElement>> SnapshotAsync(DiskSpec disk, string snapshotName, CancellationToken cancellationToken) =>
        throw GanetiException.Prereq("The rbd disk template does not support snapshots", ErrorCodes.WrongInput);

    public async Task<DiskSyncStatus> GetSyncStatusAsync(DiskSpec disk, CancellationToken cancellationToken) =>
        await FindAsync(disk, cancellationToken).ConfigureAwait(false) is null ? new DiskSyncStatus(null, null, true, "faulty") : DiskSyncStatus.Healthy;

    /// <summary>Pool space from ceph df: free is what the pool may still store, total adds what it stores.</summary>
    public async Task<IReadOnlyList<StorageSpace>> GetSpaceAsync(IReadOnlyList<StorageUnit> units, CancellationToken cancellationToken)
    {
        var r = await runner.RunCheckedAsync(new CommandSpec("ceph", "df", "--format", "json") { Timeout = Timeout },
            "Reading Ceph space failed", cancellationToken).ConfigureAwait(false);
        var result = new List<StorageSpace>();
        foreach (var unit in units)
        {
            var (stored, avail) = RbdOutput.ParsePoolSpace(r.Stdout, unit.Key)
                ?? throw GanetiException.Prereq($"Ceph pool '{unit.Key}' not found", ErrorCodes.Environment);
            result.Add(new StorageSpace(unit.Type, unit.Key, (stored + avail) >> 20, avail >> 20));
        }
        return result;
    }
}
