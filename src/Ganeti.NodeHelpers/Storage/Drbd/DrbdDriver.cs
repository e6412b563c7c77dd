using System.Globalization;
using System.Text;
using System.Text.Json;
using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage.Lvm;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Storage.Drbd;

/// <summary>
/// Ganeti's drbd template: a DRBD 8.4 device mirrored between the primary and the secondary
/// node over two LVM volumes per node (data, and metadata of 128 MiB). logical_id is
/// [primary node, secondary node, port, primary minor, secondary minor, shared secret];
/// children are the two LVs; dynamic_params give this node's and the peer's address and
/// minor. Driven through drbdsetup and drbdmeta with DRBD 8.4's syntax, one resource per
/// minor (resourceN); state from /proc/drbd, or drbdsetup status with DRBD 9.
///
/// This machine's kernel has neither device-mapper nor the DRBD module, so the driver is
/// tested against recorded /proc/drbd and drbdsetup output through
/// <see cref="RecordingCommandRunner"/>, which records the commands that would run.
/// </summary>
public sealed class DrbdDriver(ICommandRunner runner, LvmDriver lvm, Func<CancellationToken, Task<string>>? readProcDrbd = null)
    : IBlockDeviceDriver
{
    public const string TemplateName = "drbd";

    public string Template => TemplateName;
    public bool CanGrow => true;
    public bool CanSnapshot => true;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>What a DRBD disk needs on this node, from its logical id, children and dynamic params.</summary>
    public sealed record Layout(int Port, string Secret, int LocalMinor, string LocalIp, string RemoteIp, DiskSpec Data, DiskSpec Meta, long SizeMiB)
    {
        public string Device => $"/dev/drbd{LocalMinor}";
        public string Resource => $"resource{LocalMinor}";
        public string Minor => LocalMinor.ToString(CultureInfo.InvariantCulture);
        private static string Family(string ip) => ip.Contains(':') ? "ipv6" : "ipv4";
        public string LocalAddress => $"{Family(LocalIp)}:{LocalIp}:{Port}";
        public string RemoteAddress => $"{Family(RemoteIp)}:{RemoteIp}:{Port}";
    }

    public static Layout LayoutOf(DiskSpec disk)
    {
        LogicalId.RequireCount(disk.LogicalId, 6, TemplateName);
        var port = (int)LogicalId.Int(disk.LogicalId, 2, TemplateName);
        var secret = LogicalId.String(disk.LogicalId, 5, TemplateName);
        if (disk.Children.Count != 2)
            throw GanetiException.Program($"A drbd disk needs two children (data and metadata), got {disk.Children.Count}");
        string Dyn(string k) => disk.DynamicParams.TryGetValue(k, out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()
            : throw GanetiException.Program($"drbd disk {disk.Uuid}: dynamic parameter '{k}' missing");
        var minor = int.Parse(Dyn("local_minor"), CultureInfo.InvariantCulture);
        if (minor < 0 || port is < 1 or > 65535)
            throw GanetiException.WrongInput($"Invalid drbd minor {minor} or port {port}");
        return new Layout(port, secret, minor, Dyn("local_node_ip"), Dyn("remote_node_ip"), disk.Children[0], disk.Children[1], disk.SizeMiB);
    }

    private Task<CommandResult> Run(string what, CancellationToken ct, string program, IEnumerable<string> args) =>
        runner.RunCheckedAsync(new CommandSpec(program, args) { Timeout = Timeout }, what, ct);

    /// <summary>The state of every minor: /proc/drbd, or drbdsetup status when the module is DRBD 9.</summary>
    public async Task<IReadOnlyDictionary<int, DrbdMinorStatus>> GetStatusAsync(CancellationToken cancellationToken)
    {
        string proc;
        try
        {
            proc = readProcDrbd is not null ? await readProcDrbd(cancellationToken).ConfigureAwait(false)
                : await File.ReadAllTextAsync("/proc/drbd", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw GanetiException.Prereq($"DRBD is not available on this node (cannot read /proc/drbd: {e.Message})", ErrorCodes.Environment);
        }
        if (DrbdStatusParser.ParseVersion(proc) is { Major: >= 9 })
        {
            var status = await Run("Reading DRBD status failed", cancellationToken, "drbdsetup", ["status"]).ConfigureAwait(false);
            return DrbdStatusParser.ParseDrbdsetupStatus(status.Stdout);
        }
        return DrbdStatusParser.ParseProcDrbd(proc);
    }

    private async Task<DrbdMinorStatus?> MinorStatusAsync(int minor, CancellationToken ct)
    {
        var all = await GetStatusAsync(ct).ConfigureAwait(false);
        return all.TryGetValue(minor, out var s) && !s.IsUnconfigured ? s : null;
    }

    public async Task<AttachedDisk> CreateAsync(DiskSpec disk, DiskCreateRequest request, CancellationToken cancellationToken)
    {
        var l = LayoutOf(disk);
        if (await MinorStatusAsync(l.LocalMinor, cancellationToken).ConfigureAwait(false) is not null)
            throw GanetiException.Exec($"DRBD minor {l.LocalMinor} is already in use on this node");
        var created = new List<DiskSpec>();
        try
        {
            foreach (var (child, size) in new[] { (l.Data, request.SizeMiB), (l.Meta, l.Meta.SizeMiB) })
            {
                if (await lvm.FindAsync(child, cancellationToken).ConfigureAwait(false) is null)
                {
                    await lvm.CreateAsync(child, request with { SizeMiB = size }, cancellationToken).ConfigureAwait(false);
                    created.Add(child);
                }
            }
            var meta = (await lvm.AssembleAsync(l.Meta, request.InstanceName, request.OnPrimary, cancellationToken).ConfigureAwait(false)).Path;
            await Run($"Initialising DRBD metadata on {meta} failed", cancellationToken, "drbdmeta",
                ["--force", l.Device, "v08", meta, "flex-external", "create-md"]).ConfigureAwait(false);
        }
        catch
        {
            foreach (var child in created)
                await lvm.RemoveAsync(child, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        return new AttachedDisk(l.Device, null);
    }

    public async Task RemoveAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var l = LayoutOf(disk);
        if (await MinorStatusAsync(l.LocalMinor, cancellationToken).ConfigureAwait(false) is not null)
            await Run($"Stopping DRBD minor {l.LocalMinor} failed", cancellationToken, "drbdsetup", ["down", l.Resource]).ConfigureAwait(false);
        await lvm.RemoveAsync(l.Data, cancellationToken).ConfigureAwait(false);
        await lvm.RemoveAsync(l.Meta, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Brings the minor up (resource, minor, activity log, attach, sync parameters, connect)
    /// unless it already is, then makes it primary on the primary node.
    /// </summary>
    public async Task<AttachedDisk> AssembleAsync(DiskSpec disk, string instanceName, bool onPrimary, CancellationToken cancellationToken)
    {
        var l = LayoutOf(disk);
        var status = await MinorStatusAsync(l.LocalMinor, cancellationToken).ConfigureAwait(false);
        if (status is null)
        {
            var data = (await lvm.AssembleAsync(l.Data, instanceName, onPrimary, cancellationToken).ConfigureAwait(false)).Path;
            var meta = (await lvm.AssembleAsync(l.Meta, instanceName, onPrimary, cancellationToken).ConfigureAwait(false)).Path;
            var what = $"Assembling DRBD minor {l.LocalMinor} failed";
            try
            {
                await Run(what, cancellationToken, "drbdsetup", ["new-resource", l.Resource]).ConfigureAwait(false);
                await Run(what, cancellationToken, "drbdsetup", ["new-minor", l.Resource, l.Minor, "0"]).ConfigureAwait(false);
                await Run(what, cancellationToken, "drbdmeta", [l.Device, "v08", meta, "flex-external", "apply-al"]).ConfigureAwait(false);
                await Run(what, cancellationToken, "drbdsetup", AttachArgs(disk, l, data, meta)).ConfigureAwait(false);
                await Run(what, cancellationToken, "drbdsetup", SyncArgs(disk, l)).ConfigureAwait(false);
                await Run(what, cancellationToken, "drbdsetup", NetArgs(disk, l, dualPrimary: false)).ConfigureAwait(false);
            }
            catch
            {
                await runner.RunAsync(new CommandSpec("drbdsetup", "down", l.Resource) { Timeout = Timeout }, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
        if (onPrimary && status is not { IsPrimary: true })
            await Run($"Making DRBD minor {l.LocalMinor} primary failed", cancellationToken, "drbdsetup", ["primary", l.Minor]).ConfigureAwait(false);
        return new AttachedDisk(l.Device, null);
    }

    private static List<string> AttachArgs(DiskSpec disk, Layout l, string data, string meta)
    {
        var args = new List<string> { "attach", l.Minor, data, meta, "flexible", "--on-io-error=detach", "--size", $"{l.SizeMiB}m" };
        var barriers = LogicalId.Param(disk, "disk-barriers") ?? "n";
        if (barriers.Contains('b'))
            args.Add("--disk-barrier=no");
        if (barriers.Contains('f'))
            args.Add("--disk-flushes=no");
        if (barriers.Contains('d'))
            args.Add("--disk-drain=no");
        if (LogicalId.Param(disk, "meta-barriers") is "true" or "True")
            args.Add("--md-flushes=no");
        args.AddRange(SplitWords(LogicalId.Param(disk, "disk-custom")));
        return args;
    }

    private static List<string> SyncArgs(DiskSpec disk, Layout l)
    {
        var args = new List<string> { "disk-options", l.Minor };
        string P(string k, string dflt) => LogicalId.Param(disk, k) ?? dflt;
        if (P("dynamic-resync", "false") is "true" or "True")
            args.AddRange(["--c-plan-ahead", P("c-plan-ahead", "20"), "--c-fill-target", P("c-fill-target", "0"),
                "--c-delay-target", P("c-delay-target", "1"), "--c-max-rate", P("c-max-rate", "61440"), "--c-min-rate", P("c-min-rate", "4096")]);
        else
            args.AddRange(["--resync-rate", P("resync-rate", "61440")]);
        return args;
    }

    private static List<string> NetArgs(DiskSpec disk, Layout l, bool dualPrimary)
    {
        var args = new List<string>
        {
            "connect", l.Resource, l.LocalAddress, l.RemoteAddress, "--protocol", LogicalId.Param(disk, "protocol") ?? "C",
            "--after-sb-0pri", "discard-zero-changes", "--after-sb-1pri", "consensus",
        };
        if (l.Secret.Length > 0)
            args.AddRange(["--cram-hmac-alg", "md5", "--shared-secret", l.Secret]);
        if (dualPrimary)
            args.Add("--allow-two-primaries");
        args.AddRange(SplitWords(LogicalId.Param(disk, "net-custom")));
        return args;
    }

    private async Task<(Layout Layout, DrbdMinorStatus Status)> AssembledAsync(DiskSpec disk, CancellationToken ct)
    {
        var l = LayoutOf(disk);
        var status = await MinorStatusAsync(l.LocalMinor, ct).ConfigureAwait(false)
            ?? throw GanetiException.WrongState($"DRBD minor {l.LocalMinor} is not assembled on this node (disk {disk.Uuid})");
        return (l, status);
    }

    /// <summary>Demotes the minor to secondary (Ganeti's blockdev_close); a minor that is down needs nothing.</summary>
    public async Task CloseAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var l = LayoutOf(disk);
        if (await MinorStatusAsync(l.LocalMinor, cancellationToken).ConfigureAwait(false) is not { IsPrimary: true })
            return;
        await Run($"Making DRBD minor {l.LocalMinor} secondary failed", cancellationToken, "drbdsetup", ["secondary", l.Minor])
            .ConfigureAwait(false);
    }

    /// <summary>Drops the replication link: the minor keeps its disk and goes StandAlone.</summary>
    public async Task DisconnectNetAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var (l, status) = await AssembledAsync(disk, cancellationToken).ConfigureAwait(false);
        if (status.IsStandalone)
            return;
        await Run($"Disconnecting DRBD minor {l.LocalMinor} from its peer failed", cancellationToken, "drbdsetup",
            ["disconnect", l.LocalAddress, l.RemoteAddress]).ConfigureAwait(false);
    }

    /// <summary>
    /// Connects a StandAlone minor to its peer again; with <paramref name="dualPrimary"/> the
    /// link allows both sides to be primary at once, as a live migration needs.
    /// </summary>
    public async Task AttachNetAsync(DiskSpec disk, bool dualPrimary, CancellationToken cancellationToken)
    {
        var (l, status) = await AssembledAsync(disk, cancellationToken).ConfigureAwait(false);
        if (!status.IsStandalone)
            throw GanetiException.WrongState(
                $"DRBD minor {l.LocalMinor} is {status.ConnectionState}, not StandAlone: disconnect it before connecting it again");
        await Run($"Connecting DRBD minor {l.LocalMinor} to its peer failed", cancellationToken, "drbdsetup", NetArgs(disk, l, dualPrimary))
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Where the minor's replication stands: done once connected and not resyncing; a minor
    /// still waiting for its peer is not done; one without a link cannot get in sync.
    /// </summary>
    public async Task<(bool Done, double? SyncPercent)> SyncProgressAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var (l, status) = await AssembledAsync(disk, cancellationToken).ConfigureAwait(false);
        if (status.IsInResync)
            return (false, status.SyncPercent ?? 0);
        if (status.IsConnected)
            return (true, null);
        if (status.ConnectionState is "WFConnection" or "WFReportParams" or "Connecting" or "WFBitMapS" or "WFBitMapT" or "WFSyncUUID")
            return (false, null);
        throw GanetiException.Exec($"DRBD minor {l.LocalMinor} is {status.ConnectionState}: it is not replicating to its peer");
    }

    /// <summary>Splits the custom option strings into words as a POSIX shell would, without running one.</summary>
    public static List<string> SplitWords(string? text)
    {
        var words = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
            return words;
        var sb = new StringBuilder();
        char? quote = null;
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null)
            {
                if (c == quote)
                    quote = null;
                else if (c == '\\' && quote == '"' && i + 1 < text.Length)
                    sb.Append(text[++i]);
                else
                    sb.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(sb.ToString());
                sb.Clear();
                inWord = false;
            }
            else
            {
                if (c == '\\' && i + 1 < text.Length)
                    c = text[++i];
                sb.Append(c);
                inWord = true;
            }
        }
        if (quote is not null)
            throw GanetiException.WrongInput($"Unbalanced quote in DRBD custom parameters: {text}");
        if (inWord)
            words.Add(sb.ToString());
        return words;
    }

    /// <summary>
    /// Detaches the local volumes from an assembled minor (replace-disks): the device goes
    /// diskless here and serves its data from the peer.
    /// </summary>
    public async Task DetachLocalAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var l = LayoutOf(disk);
        if (await MinorStatusAsync(l.LocalMinor, cancellationToken).ConfigureAwait(false) is null)
            throw GanetiException.WrongState($"DRBD minor {l.LocalMinor} is not assembled; cannot detach its volumes");
        await Run($"Detaching the volumes of DRBD minor {l.LocalMinor} failed", cancellationToken, "drbdsetup", ["detach", l.Minor]).ConfigureAwait(false);
    }

    /// <summary>
    /// Attaches the disk's volumes (its children as given) to an assembled, diskless minor:
    /// activates them, initialises the metadata volume when it is new, attaches and applies
    /// the sync parameters. DRBD then resyncs the new volumes from the peer.
    /// </summary>
    public async Task AttachLocalAsync(DiskSpec disk, string instanceName, bool onPrimary, bool initMeta, CancellationToken cancellationToken)
    {
        var l = LayoutOf(disk);
        if (await MinorStatusAsync(l.LocalMinor, cancellationToken).ConfigureAwait(false) is null)
            throw GanetiException.WrongState($"DRBD minor {l.LocalMinor} is not assembled; cannot attach volumes to it");
        var data = (await lvm.AssembleAsync(l.Data, instanceName, onPrimary, cancellationToken).ConfigureAwait(false)).Path;
        var meta = (await lvm.AssembleAsync(l.Meta, instanceName, onPrimary, cancellationToken).ConfigureAwait(false)).Path;
        var what = $"Attaching volumes to DRBD minor {l.LocalMinor} failed";
        if (initMeta)
            await Run($"Initialising DRBD metadata on {meta} failed", cancellationToken, "drbdmeta",
                ["--force", l.Device, "v08", meta, "flex-external", "create-md"]).ConfigureAwait(false);
        await Run(what, cancellationToken, "drbdsetup", AttachArgs(disk, l, data, meta)).ConfigureAwait(false);
        await Run(what, cancellationToken, "drbdsetup", SyncArgs(disk, l)).ConfigureAwait(false);
    }

    public async Task<AttachedDisk?> FindAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var l = LayoutOf(disk);
        return await MinorStatusAsync(l.LocalMinor, cancellationToken).ConfigureAwait(false) is null ? null : new AttachedDisk(l.Device, null);
    }

    public async Task ShutdownAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var l = LayoutOf(disk);
        if (await MinorStatusAsync(l.LocalMinor, cancellationToken).ConfigureAwait(false) is null)
            return;
        await Run($"Stopping DRBD minor {l.LocalMinor} failed", cancellationToken, "drbdsetup", ["down", l.Resource]).ConfigureAwait(false);
    }

    /// <summary>Grows the data volume, then tells DRBD the new size (on an assembled minor).</summary>
    public async Task GrowAsync(DiskSpec disk, long amountMiB, bool dryRun, CancellationToken cancellationToken)
    {
        var l = LayoutOf(disk);
        await lvm.GrowAsync(l.Data, amountMiB, dryRun, cancellationToken).ConfigureAwait(false);
        if (dryRun)
            return;
        if (await MinorStatusAsync(l.LocalMinor, cancellationToken).ConfigureAwait(false) is null)
            throw GanetiException.WrongState($"DRBD minor {l.LocalMinor} is not assembled; cannot resize it");
        await Run($"Resizing DRBD minor {l.LocalMinor} failed", cancellationToken, "drbdsetup",
            ["resize", l.Minor, "--size", $"{l.SizeMiB + amountMiB}m"]).ConfigureAwait(false);
    }

    public Task RenameAsync(DiskSpec disk, IReadOnlyList<JsonElement> newLogicalId, CancellationToken cancellationToken) =>
        throw GanetiException.Prereq("DRBD disks cannot be renamed; their volumes move with replace-disks", ErrorCodes.WrongInput);

    public Task SetInfoAsync(DiskSpec disk, string info, CancellationToken cancellationToken) =>
        lvm.SetInfoAsync(LayoutOf(disk).Data, info, cancellationToken);

    /// <summary>As in Ganeti, a snapshot of a DRBD disk is a snapshot of its local data volume.</summary>
    public Task<IReadOnlyList<JsonElement>> SnapshotAsync(DiskSpec disk, string snapshotName, CancellationToken cancellationToken) =>
        lvm.SnapshotAsync(LayoutOf(disk).Data, snapshotName, cancellationToken);

    public async Task<DiskSyncStatus> GetSyncStatusAsync(DiskSpec disk, CancellationToken cancellationToken)
    {
        var l = LayoutOf(disk);
        var status = await MinorStatusAsync(l.LocalMinor, cancellationToken).ConfigureAwait(false);
        return status?.ToSyncStatus() ?? new DiskSyncStatus(null, null, true, "faulty");
    }

    // DRBD space is the volume groups' space, reported by the plain driver.
    public Task<IReadOnlyList<StorageSpace>> GetSpaceAsync(IReadOnlyList<StorageUnit> units, CancellationToken cancellationToken) =>
        lvm.GetSpaceAsync(units, cancellationToken);
}
