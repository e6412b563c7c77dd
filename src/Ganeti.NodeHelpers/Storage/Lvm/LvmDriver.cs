using System.Globalization;
using System.Text;
using System.Text.Json;
using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Processes;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Storage.Lvm;

/// <summary>
/// Ganeti's plain template: one LVM logical volume per disk, logical_id [vg, lv], driven
/// through lvm2's command line (lvcreate, lvremove, lvchange, lvextend, lvrename, lvs, vgs,
/// pvs) and its report output. This machine's kernel has no device-mapper, so the driver is
/// tested against recorded lvm2 output through <see cref="RecordingCommandRunner"/>, which
/// records the commands that would run; on a node with LVM it runs them for real.
/// </summary>
public sealed class LvmDriver(ICommandRunner runner) : IBlockDeviceDriver
{
    public const string TemplateName = "plain";
    public const string VgStorageType = "lvm-vg";
    public const string PvStorageType = "lvm-pv";

    public string Template => TemplateName;
    public bool CanGrow => true;
    public bool CanSnapshot => true;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    public static (string Vg, string Lv) Names(IReadOnlyList<JsonElement> logicalId)
    {
        LogicalId.RequireCount(logicalId, 2, TemplateName);
        var vg = LogicalId.String(logicalId, 0, TemplateName);
        var lv = LogicalId.String(logicalId, 1, TemplateName);
        foreach (var n in new[] { vg, lv })
            if (!IsValidName(n))
                throw GanetiException.WrongInput($"Invalid LVM name '{n}'");
        return (vg, lv);
    }

    /// <summary>lvm2's name rule: letters, digits and +_.- , not starting with a hyphen.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 127 && name[0] != '-' && name is not ("." or "..")
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '_' or '.' or '-');

    private static string DevPath(string vg, string lv) => $"/dev/{vg}/{lv}";

    private Task<CommandResult> Run(string what, CancellationToken ct, string program, params string[] args) =>
        runner.RunCheckedAsync(new CommandSpec(program, args) { Timeout = Timeout }, what, ct);

    public async Task<VgInfo?> GetVgAsync(string vg, CancellationToken cancellationToken)
    {
        var r = await runner.RunAsync(new CommandSpec("vgs", [.. LvmReports.Common, "-o", "vg_name,vg_free,vg_size", vg])
            { Timeout = Timeout }, cancellationToken).ConfigureAwait(false);
        return r.Succeeded ? LvmReports.ParseVgs(r.Stdout).FirstOrDefault(v => v.Name == vg) : null;
    }

    public async Task<LvInfo?> GetLvAsync(string vg, string lv, CancellationToken cancellationToken)
    {
        var r = await runner.RunAsync(new CommandSpec("lvs", [.. LvmReports.Common, "-o", "lv_name,vg_name,lv_size,lv_attr", $"{vg}/{lv}"])
            { Timeout = Timeout }, cancellationToken).ConfigureAwait(false);
        return r.Succeeded ? LvmReports.ParseLvs(r.Stdout).FirstOrDefault(l => l.Name == lv && l.VgName == vg) : null;
    }

    private async Task CheckFreeAsync(string vg, long sizeMiB, string what, CancellationToken ct)
    {
        var info = await GetVgAsync(vg, ct).ConfigureAwait(false)
            ?? throw GanetiException.Prereq($"Volume group '{vg}' not found on this node", ErrorCodes.Environment);
        if (info.FreeMiB < sizeMiB)
            throw GanetiException.Prereq($"Not enough free space in volume group {vg} for {what}: {sizeMiB} MiB needed, {info.FreeMiB} MiB free",
                ErrorCodes.InsufficientResources);
    }

    public async Task<AttachedDisk> CreateAsync(DiskSpec disk, DiskCreateRequest request, CancellationToken cancellationToken)
    {
        var (vg, lv) = Names(disk.LogicalId);
        if (request.SizeMiB <= 0)
            throw GanetiException.WrongInput($"Invalid disk size {request.SizeMiB} MiB");
        await CheckFreeAsync(vg, request.SizeMiB, $"{vg}/{lv}", cancellationToken).ConfigureAwait(false);
        if (await GetLvAsync(vg, lv, cancellationToken).ConfigureAwait(false) is not null)
            throw GanetiException.Exists($"Logical volume {vg}/{lv} already exists");
        var stripes = int.TryParse(LogicalId.Param(disk, "stripes"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : 1;
        var args = new List<string> { $"-L{request.SizeMiB}m", $"-n{lv}", "--yes", "--wipesignatures", "y" };
        if (stripes > 1)
            args.Add($"-i{stripes}");
        args.Add(vg);
        var result = await runner.RunAsync(new CommandSpec("lvcreate", args) { Timeout = Timeout }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            // lvcreate can fail after writing the metadata (activation, zeroing): leave nothing behind.
            await runner.RunAsync(new CommandSpec("lvremove", "-f", $"{vg}/{lv}") { Timeout = Timeout }, CancellationToken.None).ConfigureAwait(false);
            throw GanetiException.Exec($"Creating logical volume {vg}/{lv} failed: {result.FailureReason}");
        }
        return new AttachedDisk(DevPath(vg, lv), null);
    }

    public async Task RemoveAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var (vg, lv) = Names(disk.LogicalId);
        if (await GetLvAsync(vg, lv, cancellationToken).ConfigureAwait(false) is null)
            return;
        await Run($"Removing logical volume {vg}/{lv} failed", cancellationToken, "lvremove", "-f", $"{vg}/{lv}").ConfigureAwait(false);
    }

    public async Task<AttachedDisk> AssembleAsync(DiskSpec disk, string instanceName, bool onPrimary, CancellationToken cancellationToken)
    {
        var (vg, lv) = Names(disk.LogicalId);
        var info = await GetLvAsync(vg, lv, cancellationToken).ConfigureAwait(false)
            ?? throw GanetiException.Exec($"Logical volume {vg}/{lv} does not exist");
        if (!info.Active)
            await Run($"Activating logical volume {vg}/{lv} failed", cancellationToken, "lvchange", "-ay", $"{vg}/{lv}").ConfigureAwait(false);
        return new AttachedDisk(DevPath(vg, lv), null);
    }

    public async Task<AttachedDisk?> FindAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var (vg, lv) = Names(disk.LogicalId);
        return await GetLvAsync(vg, lv, cancellationToken).ConfigureAwait(false) is null ? null : new AttachedDisk(DevPath(vg, lv), null);
    }

    // As in Ganeti, logical volumes stay active: deactivating them buys nothing and slows failover.
    public Task ShutdownAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        Names(disk.LogicalId);
        return Task.CompletedTask;
    }

    public async Task GrowAsync(DiskSpec disk, long amountMiB, bool dryRun, CancellationToken cancellationToken)
    {
        var (vg, lv) = Names(disk.LogicalId);
        if (amountMiB < 0)
            throw GanetiException.WrongInput($"Cannot shrink a disk (amount {amountMiB} MiB)");
        await CheckFreeAsync(vg, amountMiB, $"growing {vg}/{lv}", cancellationToken).ConfigureAwait(false);
        var args = new List<string> { "-L", $"+{amountMiB}m" };
        if (dryRun)
            args.Add("--test");
        args.Add($"{vg}/{lv}");
        await runner.RunCheckedAsync(new CommandSpec("lvextend", args) { Timeout = Timeout },
            $"Growing logical volume {vg}/{lv} failed", cancellationToken).ConfigureAwait(false);
    }

    public async Task RenameAsync(DiskSpec disk, IReadOnlyList<JsonElement> newLogicalId, CancellationToken cancellationToken)
    {
        var (vg, lv) = Names(disk.LogicalId);
        var (newVg, newLv) = Names(newLogicalId);
        if (vg != newVg)
            throw GanetiException.WrongInput($"Cannot rename {vg}/{lv} into another volume group ({newVg})");
        if (lv == newLv)
            return;
        await Run($"Renaming logical volume {vg}/{lv} failed", cancellationToken, "lvrename", vg, lv, newLv).ConfigureAwait(false);
    }

    /// <summary>Ganeti keeps a disk's metadata as an LV tag; tags allow only some characters.</summary>
    public async Task SetInfoAsync(DiskSpec disk, string info, CancellationToken cancellationToken)
    {
        var (vg, lv) = Names(disk.LogicalId);
        var tag = SanitizeTag(info);
        var tags = await runner.RunAsync(new CommandSpec("lvs", [.. LvmReports.Common, "-o", "lv_tags", $"{vg}/{lv}"])
            { Timeout = Timeout }, cancellationToken).ConfigureAwait(false);
        var args = new List<string>();
        if (tags.Succeeded)
            foreach (var old in tags.Stdout.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                args.AddRange(["--deltag", old]);
        args.AddRange(["--addtag", tag, $"{vg}/{lv}"]);
        await runner.RunCheckedAsync(new CommandSpec("lvchange", args) { Timeout = Timeout },
            $"Setting the metadata of {vg}/{lv} failed", cancellationToken).ConfigureAwait(false);
    }

    public static string SanitizeTag(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '.' or '-' ? c : '_');
        return sb.Length > 128 ? sb.ToString(0, 128) : sb.ToString();
    }

    public async Task<IReadOnlyList<JsonElement>> SnapshotAsync(DiskSpec disk, string snapshotName, CancellationToken cancellationToken)
    {
        var (vg, lv) = Names(disk.LogicalId);
        if (!IsValidName(snapshotName))
            throw GanetiException.WrongInput($"Invalid snapshot name '{snapshotName}'");
        var size = (await GetLvAsync(vg, lv, cancellationToken).ConfigureAwait(false)
            ?? throw GanetiException.Exec($"Logical volume {vg}/{lv} does not exist")).SizeMiB;
        await CheckFreeAsync(vg, size, $"a snapshot of {vg}/{lv}", cancellationToken).ConfigureAwait(false);
        await Run($"Snapshotting {vg}/{lv} failed", cancellationToken, "lvcreate", $"-L{size}m", "-s", $"-n{snapshotName}", $"{vg}/{lv}")
            .ConfigureAwait(false);
        return LogicalId.Of(vg, snapshotName);
    }

    public async Task<DiskSyncStatus> GetSyncStatusAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var (vg, lv) = Names(disk.LogicalId);
        var info = await GetLvAsync(vg, lv, cancellationToken).ConfigureAwait(false);
        return info switch
        {
            null => new DiskSyncStatus(null, null, true, "faulty"),
            { Partial: true } or { Virtual: true } => new DiskSyncStatus(null, null, true, "faulty"),
            _ => DiskSyncStatus.Healthy,
        };
    }

    public async Task<IReadOnlyList<StorageSpace>> GetSpaceAsync(IReadOnlyList<StorageUnit> units, CancellationToken cancellationToken)
    {
        var result = new List<StorageSpace>();
        foreach (var unit in units)
        {
            if (unit.Type == PvStorageType)
            {
                // Spindles (exclusive storage): each allocatable PV of the VG is one spindle.
                var r = await Run("Listing physical volumes failed", cancellationToken, "pvs",
                    [.. LvmReports.Common, "-o", "pv_name,vg_name,pv_free,pv_size,pv_attr"]).ConfigureAwait(false);
                var pvs = LvmReports.ParsePvs(r.Stdout).Where(p => p.VgName == unit.Key && p.Allocatable).ToList();
                result.Add(new StorageSpace(unit.Type, unit.Key, pvs.Sum(p => p.SizeMiB), pvs.Sum(p => p.FreeMiB))
                {
                    SpindlesTotal = pvs.Count,
                    SpindlesFree = pvs.Count(p => p.FreeMiB == p.SizeMiB),
                });
            }
            else
            {
                var vg = await GetVgAsync(unit.Key, cancellationToken).ConfigureAwait(false)
                    ?? throw GanetiException.Prereq($"Volume group '{unit.Key}' not found on this node", ErrorCodes.Environment);
                result.Add(new StorageSpace(VgStorageType, vg.Name, vg.SizeMiB, vg.FreeMiB));
            }
        }
        return result;
    }
}
