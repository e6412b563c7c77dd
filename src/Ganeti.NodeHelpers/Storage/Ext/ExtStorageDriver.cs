using System.Globalization;
using System.Text.Json;
using Ganeti.Core.Errors;
using Ganeti.Core.Paths;
using Ganeti.NodeHelpers.Processes;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Storage.Ext;

/// <summary>
/// Ganeti's ext template: every operation is a script of an ExtStorage provider, logical_id
/// [provider, volume name]. Scripts run in the provider's directory with only the interface's
/// environment (VOL_NAME, VOL_SIZE, VOL_NEW_SIZE, VOL_METADATA, VOL_CNAME, VOL_UUID,
/// VOL_SNAPSHOT_NAME, VOL_SNAPSHOT_SIZE, VOL_OPEN_EXCLUSIVE, EXTP_* from the disk parameters),
/// their output logged under var/log/ganeti/extstorage/. attach prints the block device on its
/// first line and, optionally, a userspace URI on the second.
/// </summary>
public sealed class ExtStorageDriver(Func<IReadOnlyList<string>> searchPath, GanetiPaths paths, ICommandRunner runner) : IBlockDeviceDriver
{
    public const string TemplateName = "ext";

    public string Template => TemplateName;
    public bool CanGrow => true;
    public bool CanSnapshot => true;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    public string LogDir => Path.Combine(paths.LogDir, "extstorage");

    private (ExtProvider Provider, string Volume) Resolve(DiskSpec disk) => Resolve(disk.LogicalId, disk.Provider);

    private (ExtProvider Provider, string Volume) Resolve(IReadOnlyList<JsonElement> logicalId, string? provider)
    {
        LogicalId.RequireCount(logicalId, 2, Template);
        var name = LogicalId.String(logicalId, 0, Template);
        if (provider is not null && provider != name)
            throw GanetiException.Program($"ext disk names provider '{provider}' but its logical_id says '{name}'");
        var volume = LogicalId.String(logicalId, 1, Template);
        if (volume.Contains('/') || volume.Contains('\0'))
            throw GanetiException.WrongInput($"Invalid ExtStorage volume name '{volume}'");
        return (ExtProvider.Load(name, searchPath()), volume);
    }

    private Dictionary<string, string> Env(DiskSpec disk, string volume)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = "/sbin:/bin:/usr/sbin:/usr/bin",
            ["VOL_NAME"] = volume,
            ["VOL_SIZE"] = disk.SizeMiB.ToString(CultureInfo.InvariantCulture),
            ["VOL_UUID"] = disk.Uuid,
        };
        if (!string.IsNullOrEmpty(disk.Name))
            env["VOL_CNAME"] = disk.Name;
        foreach (var (k, v) in disk.Params)
            env["EXTP_" + k.ToUpperInvariant().Replace('-', '_')] = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
        return env;
    }

    private async Task<CommandResult> Run(ExtProvider provider, string action, string volume, Dictionary<string, string> env,
        CancellationToken cancellationToken, bool check = true)
    {
        var script = provider.Script(action)
            ?? throw GanetiException.Prereq($"ExtStorage provider '{provider.Name}' has no '{action}' script", ErrorCodes.WrongInput);
        Posix.CreateDirectory(LogDir, Posix.Dir0750);
        var stamp = DateTime.Now.ToString("yyyy-MM-dd_HH_mm_ss", CultureInfo.InvariantCulture);
        var log = Path.Combine(LogDir, $"{action}-{provider.Name}-{volume}-{stamp}.log");
        var result = await runner.RunAsync(new CommandSpec(script)
        {
            Environment = env,
            WorkingDirectory = provider.Path,
            Timeout = Timeout,
        }, cancellationToken).ConfigureAwait(false);
        await File.AppendAllTextAsync(log, result.Stdout + result.Stderr, cancellationToken).ConfigureAwait(false);
        if (check && !result.Succeeded)
            throw GanetiException.Exec(
                $"ExtStorage {action} of volume {volume} (provider {provider.Name}) failed, {result.FailureReason}; log {log}");
        return result;
    }

    public async Task<AttachedDisk> CreateAsync(DiskSpec disk, DiskCreateRequest request, CancellationToken cancellationToken)
    {
        var (provider, volume) = Resolve(disk);
        var env = Env(disk with { SizeMiB = request.SizeMiB }, volume);
        var created = await Run(provider, "create", volume, env, cancellationToken, check: false).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            // The provider may have made part of the volume: ask it to remove whatever is there.
            await Run(provider, "remove", volume, env, CancellationToken.None, check: false).ConfigureAwait(false);
            throw GanetiException.Exec($"ExtStorage create of volume {volume} (provider {provider.Name}) failed, {created.FailureReason}");
        }
        try
        {
            return await AttachAsync(provider, volume, env, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await Run(provider, "remove", volume, env, CancellationToken.None, check: false).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<AttachedDisk> AttachAsync(ExtProvider provider, string volume, Dictionary<string, string> env,
        CancellationToken cancellationToken)
    {
        var result = await Run(provider, "attach", volume, env, cancellationToken).ConfigureAwait(false);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
            throw GanetiException.Exec($"ExtStorage attach of volume {volume} (provider {provider.Name}) printed no device");
        var device = lines[0];
        if (!Posix.IsBlockDevice(device))
            throw GanetiException.Exec($"ExtStorage attach of volume {volume} returned '{device}', which is not a block device");
        return new AttachedDisk(device, lines.Length > 1 ? lines[1] : null);
    }

    public async Task RemoveAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var (provider, volume) = Resolve(disk);
        await Run(provider, "remove", volume, Env(disk, volume), cancellationToken).ConfigureAwait(false);
    }

    public async Task<AttachedDisk> AssembleAsync(DiskSpec disk, string instanceName, bool onPrimary, CancellationToken cancellationToken)
    {
        var (provider, volume) = Resolve(disk);
        var env = Env(disk, volume);
        var attached = await AttachAsync(provider, volume, env, cancellationToken).ConfigureAwait(false);
        if (provider.Script("open") is not null)
        {
            env["VOL_OPEN_EXCLUSIVE"] = onPrimary ? "true" : "false";
            await Run(provider, "open", volume, env, cancellationToken).ConfigureAwait(false);
        }
        return attached;
    }

    public async Task<AttachedDisk?> FindAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var (provider, volume) = Resolve(disk);
        try
        {
            return await AttachAsync(provider, volume, Env(disk, volume), cancellationToken).ConfigureAwait(false);
        }
        catch (GanetiException)
        {
            return null;
        }
    }

    public async Task ShutdownAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var (provider, volume) = Resolve(disk);
        var env = Env(disk, volume);
        if (provider.Script("close") is not null)
            await Run(provider, "close", volume, env, cancellationToken).ConfigureAwait(false);
        await Run(provider, "detach", volume, env, cancellationToken).ConfigureAwait(false);
    }

    public async Task GrowAsync(DiskSpec disk, long amountMiB, bool dryRun, CancellationToken cancellationToken)
    {
        var (provider, volume) = Resolve(disk);
        if (amountMiB < 0)
            throw GanetiException.WrongInput($"Cannot shrink a disk (amount {amountMiB} MiB)");
        if (dryRun)
            return; // the interface has no way to ask a provider whether it would fit
        var env = Env(disk, volume);
        env["VOL_NEW_SIZE"] = (disk.SizeMiB + amountMiB).ToString(CultureInfo.InvariantCulture);
        await Run(provider, "grow", volume, env, cancellationToken).ConfigureAwait(false);
    }

    public Task RenameAsync(DiskSpec disk, IReadOnlyList<JsonElement> newLogicalId, CancellationToken cancellationToken) =>
        throw GanetiException.Prereq("ExtStorage volumes cannot be renamed", ErrorCodes.WrongInput);

    public async Task SetInfoAsync(DiskSpec disk, string info, CancellationToken cancellationToken)
    {
        var (provider, volume) = Resolve(disk);
        var env = Env(disk, volume);
        env["VOL_METADATA"] = info;
        await Run(provider, "setinfo", volume, env, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<JsonElement>> SnapshotAsync(DiskSpec disk, string snapshotName, CancellationToken cancellationToken)
    {
        var (provider, volume) = Resolve(disk);
        var env = Env(disk, volume);
        env["VOL_SNAPSHOT_NAME"] = snapshotName;
        env["VOL_SNAPSHOT_SIZE"] = disk.SizeMiB.ToString(CultureInfo.InvariantCulture);
        await Run(provider, "snapshot", volume, env, cancellationToken).ConfigureAwait(false);
        return LogicalId.Of(provider.Name, snapshotName);
    }

    /// <summary>Runs the provider's verify script on the given parameters (Ganeti's ExtStorage verify).</summary>
    public async Task VerifyAsync(string providerName, IReadOnlyDictionary<string, JsonElement> extParams, CancellationToken cancellationToken)
    {
        var provider = ExtProvider.Load(providerName, searchPath());
        var unknown = extParams.Keys.Where(k => k != "access" && provider.Parameters.All(p => p.Name != k)).ToList();
        if (unknown.Count > 0)
            throw GanetiException.WrongInput($"ExtStorage provider '{providerName}' does not know parameters: {string.Join(", ", unknown)}");
        var disk = new DiskSpec { Uuid = "", DevType = TemplateName, Params = new(extParams) };
        await Run(provider, "verify", "-", Env(disk, ""), cancellationToken).ConfigureAwait(false);
    }

    public Task<DiskSyncStatus> GetSyncStatusAsync(DiskSpec disk, CancellationToken cancellationToken) =>
        Task.FromResult(DiskSyncStatus.Healthy);

    // Providers report no space through the interface; Ganeti shows none for ext.
    public Task<IReadOnlyList<StorageSpace>> GetSpaceAsync(IReadOnlyList<StorageUnit> units, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StorageSpace>>([]);
}
