using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>What a migration or failover was asked to do (the fields OpInstanceMigrate and OpInstanceFailover share).</summary>
public sealed record MigrationRequest
{
    public required string InstanceName { get; init; }
    public bool Failover { get; init; }
    public bool Cleanup { get; init; }
    public string? TargetNode { get; init; }
    public string? Iallocator { get; init; }
    public string? Mode { get; init; }
    public bool? Live { get; init; }
    public bool AllowFailover { get; init; }
    public bool AllowRuntimeChanges { get; init; } = true;
    public bool IgnoreConsistency { get; init; }
    public bool IgnoreIpolicy { get; init; }
    public bool IgnoreHvversions { get; init; }
    public int ShutdownTimeout { get; init; } = 120;
}

/// <summary>
/// Moving a running instance to another node, as Ganeti's TLMigrateInstance: live or non-live
/// migration through the hypervisor, failover (stop here, start there), and the cleanup of a
/// migration that was interrupted. Shared by gnt-instance migrate and failover. Whatever goes
/// wrong during a migration, the guest keeps running on the source, the target's half-started
/// copy is removed, and the configuration still names the source.
/// </summary>
public sealed class InstanceMigration(MasterContext master, MigrationRequest request, Action<string> log)
{
    /// <summary>Disk templates whose storage every node of the group reaches (Ganeti's DTS_EXT_MIRROR).</summary>
    public static readonly IReadOnlySet<string> ExternallyMirrored =
        new HashSet<string>(StringComparer.Ordinal) { "diskless", "sharedfile", "blockdev", "rbd", "ext", "gluster" };

    /// <summary>Templates replicated by Ganeti itself between the primary and the secondary (DTS_INT_MIRROR).</summary>
    public static readonly IReadOnlySet<string> InternallyMirrored = new HashSet<string>(StringComparer.Ordinal) { "drbd" };

    /// <summary>Hypervisors that can move a running guest between nodes (Ganeti's CAN_MIGRATE).</summary>
    public static readonly IReadOnlySet<string> MigratingHypervisors =
        new HashSet<string>(StringComparer.Ordinal) { "kvm", "fake", "xen-pvm", "xen-hvm" };

    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    internal static readonly TimeSpan FeedbackInterval = TimeSpan.FromSeconds(5);

    private Core.Config.Instance inst = null!;
    private ConfigData cfg = null!;
    private Node source = null!;
    private Node? target;
    private long targetFreeMemory = long.MaxValue;
    private HvNodeInfo? targetInfo;
    private long? currentMemory;

    /// <summary>True once the checks decided on a failover (asked for, or fallen back to).</summary>
    public bool Failover { get; private set; }

    public bool Live { get; private set; }

    /// <summary>True when the disks are drbd: the target is the secondary, and the mirror changes roles.</summary>
    public bool Drbd { get; private set; }

    /// <summary>How long the drbd mirror may take to connect and resync before the operation gives up.</summary>
    internal static TimeSpan DrbdSyncTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public Node? Target => target;

    /// <summary>
    /// Node locks the operation needs: the primary and the named target, or every node when the
    /// target is yet to be chosen (allocator, or a cleanup that must look everywhere).
    /// </summary>
    public static IReadOnlyList<string>? NodesToLock(ConfigData cfg, Core.Config.Instance inst, MigrationRequest request)
    {
        var template = inst.DiskTemplate;
        if (InternallyMirrored.Contains(template))
            return cfg.InstanceNodes(inst);
        if (request.TargetNode is { } t && cfg.FindNode(t) is { } node)
            return [inst.PrimaryNode, node.Uuid];
        if (request.TargetNode is not null)
            return [inst.PrimaryNode];
        return null;
    }

    public async Task CheckPrereqAsync(ConfigData config, CancellationToken ct)
    {
        cfg = config;
        inst = InstanceOps.Find(cfg, request.InstanceName);
        source = cfg.Nodes[inst.PrimaryNode];
        Failover = request.Failover;
        var what = Failover ? "failovers" : "migrations";

        if (request.Cleanup && Failover)
            throw GanetiException.WrongInput("cleanup repairs an interrupted migration; it cannot be combined with a failover");
        if (request.TargetNode is not null && request.Iallocator is not null)
            throw GanetiException.WrongInput("Give either a target node or an iallocator, not both");
        if (!Failover && request.Live is not null && request.Mode is not null)
            throw GanetiException.WrongInput("Only one of the 'live' and 'mode' parameters can be given");
        if (request.Mode is not (null or "live" or "non-live"))
            throw GanetiException.WrongInput($"Invalid migration mode '{request.Mode}' (live or non-live)");
        if (request.ShutdownTimeout < 0)
            throw GanetiException.WrongInput($"shutdown_timeout must be zero or more seconds, got {request.ShutdownTimeout}");

        if (!request.Cleanup && !Failover && inst.AdminState != AdminStates.Up && request.AllowFailover)
        {
            log("Instance is marked down or offline, fallback allowed, switching to failover");
            Failover = true;
            what = "failovers";
        }

        var templates = cfg.InstanceDisks(inst).Select(d => d.DevType).Append(inst.DiskTemplate).Distinct().ToList();
        var bad = templates.Where(t => !ExternallyMirrored.Contains(t) && !InternallyMirrored.Contains(t)).ToList();
        if (bad.Count > 0)
            throw GanetiException.WrongState($"Instance's disk layout '{string.Join(", ", bad)}' does not allow {what}");
        Drbd = templates.Any(InternallyMirrored.Contains);

        if (Drbd)
            target = Secondary();
        else if (!request.Cleanup)
            target = await ChooseTargetAsync(ct).ConfigureAwait(false);
        else if (request.TargetNode is not null)
            target = ResolveNode(request.TargetNode);
        if (target is not null && target.Uuid == inst.PrimaryNode)
            throw GanetiException.WrongState($"Cannot migrate instance {inst.Name} to its primary ({target.Name})");

        if (request.Cleanup)
        {
            InstanceOps.PrimaryOnline(cfg, inst);
            Live = true;
            return;
        }

        var node = target!;
        if (node.Offline)
            throw GanetiException.WrongState($"Can't use offline node {node.Name}");
        if (node.Drained)
            throw GanetiException.WrongState($"Can't use drained node {node.Name}");
        if (!node.VmCapable)
            throw GanetiException.WrongState($"Can't use non-vm_capable node {node.Name}");
        Allocation.InstancePolicy.CheckTarget(cfg, inst, node, request.IgnoreIpolicy, log);

        var be = InstanceSpecs.FilledBeParams(cfg, inst);
        if (!Failover && !MigratingHypervisors.Contains(inst.Hypervisor))
        {
            if (!request.AllowFailover)
                throw GanetiException.WrongState($"Instance's hypervisor '{inst.Hypervisor}' does not support migration; use failover");
            log($"The {inst.Hypervisor} hypervisor cannot migrate, fallback allowed, switching to failover");
            Failover = true;
        }
        if (!Failover && Params.GetBool(be, "always_failover") == true)
        {
            log("Instance configured to always failover; fallback to failover");
            Failover = true;
        }

        if (!Failover || inst.AdminState == AdminStates.Up)
        {
            var needed = Params.GetInt(be, request.AllowRuntimeChanges && !Failover ? "minmem" : "maxmem")
                         ?? Params.GetInt(be, "maxmem") ?? 128;
            targetInfo = await HvInfoAsync(node, ct).ConfigureAwait(false);
            targetFreeMemory = targetInfo.MemoryFree;
            if (targetFreeMemory < needed)
                throw GanetiException.Prereq(
                    $"Not enough memory on node {node.Name} for {(Failover ? "starting" : "migrating")} instance {inst.Name}: " +
                    $"needed {needed} MiB, available {targetFreeMemory} MiB", ErrorCodes.InsufficientResources);
        }
        else
            log("Not checking memory on the target node as the instance will not be started");

        if (Failover)
        {
            Live = false;
            return;
        }

        InstanceOps.PrimaryOnline(cfg, inst);
        var info = await InstanceOps.LiveInfoAsync(master, cfg, inst, ct).ConfigureAwait(false);
        if (info is null || info.State is HvState.Shutdown or HvState.Crashed)
        {
            var why = info is null ? "is not running" : $"is {info.State}";
            if (!request.AllowFailover)
                throw GanetiException.WrongState($"Instance {inst.Name} {why} on node {source.Name}: can't migrate, please use failover");
            log($"Can't migrate, instance {why}, fallback to failover");
            Failover = true;
            Live = false;
            return;
        }
        currentMemory = info.MemoryMiB;
        var mode = request.Live is { } live
            ? live ? "live" : "non-live"
            : request.Mode ?? Params.GetString(InstanceSpecs.FilledHvParams(cfg, inst), "migration_mode") ?? "live";
        Live = mode == "live";
        await CheckHypervisorVersionsAsync(node, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Source and target must run hypervisor versions a guest can move between: a difference is
    /// a warning, a target that cannot take the guest is refused unless ignore_hvversions.
    /// </summary>
    private async Task CheckHypervisorVersionsAsync(Node dst, CancellationToken ct)
    {
        var src = (await HvInfoAsync(source, ct).ConfigureAwait(false)).Version;
        var to = (targetInfo ?? await HvInfoAsync(dst, ct).ConfigureAwait(false)).Version;
        if (src is null || to is null || src == to)
            return;
        log($"* warning: hypervisor version mismatch between source ({src}) and target ({to}) node");
        var verdict = HypervisorVersions.CheckMigration(inst.Hypervisor, src, to, InstanceSpecs.FilledHvParams(cfg, inst));
        if (verdict is null)
        {
            log($"  migrating from hypervisor version {src} to {to} should be safe");
            return;
        }
        log($"  migrating from hypervisor version {src} to {to} is likely unsupported: {verdict}");
        if (!request.IgnoreHvversions)
            throw GanetiException.WrongState(
                $"Unsupported migration of instance {inst.Name} between hypervisor versions ({src} on {source.Name} to {to} on {dst.Name}): " +
                $"{verdict}; use ignore_hvversions to go ahead anyway");
        log("  continuing anyway (told to ignore version mismatch)");
    }

    /// <summary>
    /// A drbd instance can only move to its secondary, the node holding the other half of the
    /// mirror: neither an allocator nor another target node makes sense (as in Ganeti).
    /// </summary>
    private Node Secondary()
    {
        var secondaries = cfg.SecondaryNodes(inst);
        if (secondaries.Count != 1)
            throw GanetiException.Program(
                $"Instance {inst.Name} uses drbd but has {secondaries.Count} secondary nodes in the configuration instead of one");
        var secondary = cfg.Nodes[secondaries[0]];
        var verb = Failover ? "failed over" : "migrated";
        if (request.Iallocator is not null || (request.TargetNode is { } t && ResolveNode(t).Uuid != secondary.Uuid))
            throw GanetiException.WrongInput(
                $"Instances with disk template {inst.DiskTemplate} cannot be {verb} to arbitrary nodes: {inst.Name} can only be " +
                $"{verb} to its secondary node {secondary.Name} (give no iallocator, and no target node or that one)");
        return secondary;
    }

    private Node ResolveNode(string nameOrUuid) => cfg.FindNode(nameOrUuid) ?? throw GanetiException.NotFound("Node", nameOrUuid);

    /// <summary>The named node, or the one the instance allocator picks (the op's, else the cluster's default).</summary>
    private async Task<Node> ChooseTargetAsync(CancellationToken ct)
    {
        if (request.TargetNode is { } name)
            return ResolveNode(name);
        var allocator = request.Iallocator ?? (cfg.Cluster.DefaultIallocator is { Length: > 0 } d ? d : null)
            ?? throw GanetiException.WrongInput(
                $"Instance {inst.Name} has shared storage: give a target node or an iallocator (the cluster has no default iallocator)");
        var answer = await Allocation.IAllocatorRunner.RunAsync(master, cfg, allocator, new JsonObject
        {
            ["type"] = "relocate",
            ["name"] = inst.Name,
            ["required_nodes"] = 1,
            ["relocate_from"] = new JsonArray(source.Name),
            ["disk_space_total"] = cfg.InstanceDisks(inst).Sum(x => x.Size),
        }, ct).ConfigureAwait(false);
        var chosen = (answer as JsonArray)?.FirstOrDefault()?.GetValue<string>()
            ?? throw GanetiException.Exec($"Instance allocator {allocator} returned no node for {inst.Name}");
        log($"Selected node {chosen} as target for instance {inst.Name} (iallocator {allocator})");
        return ResolveNode(chosen);
    }

    /// <summary>What the node's hypervisor reports: free memory and version (asked with the cluster's hvparams, as in Ganeti).</summary>
    private async Task<HvNodeInfo> HvInfoAsync(Node node, CancellationToken ct)
    {
        NodeInfoResult info;
        var hvparams = new Dictionary<string, object>
        {
            [inst.Hypervisor] = cfg.Cluster.Hvparams.GetValueOrDefault(inst.Hypervisor) ?? [],
        };
        try
        {
            info = await master.Rpc.CallAsync<NodeInfoResult>(node, NodeProcedures.NodeInfo,
                new { hypervisors = new[] { inst.Hypervisor }, hvparams }, ct).ConfigureAwait(false);
        }
        catch (GanetiException e)
        {
            throw GanetiException.Prereq($"Cannot get the hypervisor facts of node {node.Name}: {e.Message}", ErrorCodes.Environment);
        }
        if (!info.Hypervisors.TryGetValue(inst.Hypervisor, out var hv))
            throw GanetiException.Prereq($"Node {node.Name} does not report the {inst.Hypervisor} hypervisor", ErrorCodes.Environment);
        return hv;
    }

    public Task ExecAsync(CancellationToken ct)
    {
        cfg = master.Config.Current;
        inst = cfg.Instances[inst.Uuid];
        source = cfg.Nodes[inst.PrimaryNode];
        if (target is not null) target = cfg.Nodes[target.Uuid];
        if (Failover) return ExecFailoverAsync(ct);
        return request.Cleanup ? ExecCleanupAsync(ct) : ExecMigrationAsync(ct);
    }

    // ---------------------------------------------------------------- migration

    private async Task ExecMigrationAsync(CancellationToken ct)
    {
        var dst = target!;
        log($"Migrating instance {inst.Name}");
        if (currentMemory is long current && current > targetFreeMemory)
        {
            if (!request.AllowRuntimeChanges)
                throw GanetiException.Exec(
                    $"Memory ballooning not allowed and not enough free memory to fit instance {inst.Name} on target node " +
                    $"{dst.Name} (have {targetFreeMemory} MiB, need {current} MiB)");
            log($"* setting instance memory to {targetFreeMemory}");
            await master.Rpc.CallAsync(source, NodeProcedures.InstanceBalloonMemory,
                new { instance = InstanceSpecs.Build(cfg, inst), memory = targetFreeMemory }, ct).ConfigureAwait(false);
        }

        var spec = InstanceSpecs.Build(cfg, inst);
        JsonNode? migrationInfo;
        try
        {
            migrationInfo = await master.Rpc.CallAsync(source, NodeProcedures.MigrationInfo, new { instance = spec }, ct)
                .ConfigureAwait(false);
        }
        catch (GanetiException e)
        {
            throw GanetiException.Exec($"Failed fetching source migration information from {source.Name}: {e.Message}", e);
        }

        var accepted = false;
        var targetDisksOpen = false;
        try
        {
            var targetSpec = spec;
            if (cfg.InstanceDisks(inst).Count > 0)
            {
                targetDisksOpen = true;
                if (Drbd)
                {
                    // Both sides must be writable while the guest moves: the mirror allows two primaries for the copy.
                    await DrbdDemoteAsync(dst, ct).ConfigureAwait(false);
                    await DrbdReconnectAsync(dualPrimary: true, ct).ConfigureAwait(false);
                }
                log($"* opening instance disks on node {dst.Name}");
                targetSpec = spec with { Disks = await OpenDisksAsync(dst, ct).ConfigureAwait(false) };
            }
            log($"* preparing {dst.Name} to accept the instance");
            try
            {
                await master.Rpc.CallAsync(dst, NodeProcedures.AcceptInstance,
                    new { instance = targetSpec, info = migrationInfo, target = Address(dst) }, ct).ConfigureAwait(false);
                accepted = true;
            }
            catch (GanetiException e)
            {
                log("Pre-migration failed, aborting");
                throw new MigrationFailedException($"Could not pre-migrate instance {inst.Name}: {e.Message}", e);
            }

            log($"* migrating instance to {dst.Name}");
            try
            {
                var started = await master.Rpc.CallAsync(source, NodeProcedures.InstanceMigrate,
                    new { instance = spec, target = Address(dst), live = Live }, ct).ConfigureAwait(false);
                if (Live && started?["live"]?.GetValue<bool>() == false)
                {
                    log("* the instance runs without hardware acceleration, where a live copy loses memory writes: " +
                        "it is paused during the copy (non-live)");
                    Live = false;
                }
            }
            catch (GanetiException e)
            {
                log("Migration failed, aborting");
                throw new MigrationFailedException($"Could not migrate instance {inst.Name}: {e.Message}", e);
            }
            await WaitForTransferAsync(spec, dst, ct).ConfigureAwait(false);

            // The target resumes the guest first: if that fails, the source (paused, complete) is resumed instead.
            try
            {
                await master.Rpc.CallAsync(dst, NodeProcedures.InstanceFinalizeMigrationDst,
                    new { instance = spec, info = migrationInfo, success = true }, ct).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                log("Finalizing the migration on the target failed, aborting");
                throw new MigrationFailedException($"Could not finalize instance migration on node {dst.Name}: {e.Message}", e);
            }
        }
        catch (Exception e)
        {
            await AbortAsync(spec, migrationInfo, dst, accepted, targetDisksOpen).ConfigureAwait(false);
            throw e switch
            {
                OperationCanceledException => GanetiException.Canceled(
                    $"Migration of instance {inst.Name} was cancelled; it keeps running on node {source.Name}"),
                MigrationFailedException => GanetiException.Exec(e.Message, e.InnerException),
                GanetiException => GanetiException.Exec($"Could not migrate instance {inst.Name}: {e.Message}", e),
                _ => e,
            };
        }

        // From here the guest runs on the target: nothing may stop the bookkeeping half-way.
        await SetPrimaryAsync(dst, CancellationToken.None).ConfigureAwait(false);
        try
        {
            await master.Rpc.CallAsync(source, NodeProcedures.InstanceFinalizeMigrationSrc,
                new { instance = spec, success = true, live = Live }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (GanetiException e)
        {
            throw GanetiException.Exec(
                $"Instance {inst.Name} now runs on node {dst.Name} (the configuration says so), but finalizing the migration on " +
                $"the source node {source.Name} failed: {e.Message}; run the migration again with cleanup to remove the leftover", e);
        }
        if (Drbd)
        {
            try
            {
                await DrbdSingleMasterAsync(source, CancellationToken.None).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                throw GanetiException.Exec(
                    $"Instance {inst.Name} now runs on node {dst.Name} (the configuration says so), but its disks could not return " +
                    $"to single-primary mode: {e.Message}; run the migration again with cleanup to repair them", e);
            }
        }
        else
            await CloseDisksAsync(source, CancellationToken.None).ConfigureAwait(false);
        log("* done");
    }

    /// <summary>Polls the source until the memory transfer ends, with Ganeti's progress lines.</summary>
    private async Task WaitForTransferAsync(InstanceSpec spec, Node dst, CancellationToken ct)
    {
        log("* starting memory transfer");
        var lastFeedback = DateTime.UtcNow;
        while (true)
        {
            HvMigrationStatus status;
            try
            {
                status = await master.Rpc.CallAsync<HvMigrationStatus>(source, NodeProcedures.InstanceGetMigrationStatus,
                    new { instance = spec }, ct).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                log("Migration failed, aborting");
                throw new MigrationFailedException($"Could not migrate instance {inst.Name}: {e.Message}", e);
            }
            if (status.Status is "failed" or "cancelled")
            {
                log("Migration failed, aborting");
                throw new MigrationFailedException(
                    $"Could not migrate instance {inst.Name} to {dst.Name}: {status.Error ?? "hypervisor returned failure"}");
            }
            if (status.Status == "completed")
            {
                // qemu's downtime figure is only meaningful when the guest ran during the copy.
                log("* memory transfer complete" +
                    (Live && status.DowntimeMs is long down ? string.Create(CultureInfo.InvariantCulture, $" (downtime {down} ms)") : ""));
                return;
            }
            if (DateTime.UtcNow - lastFeedback >= FeedbackInterval && status.TotalRam > 0)
            {
                log(string.Create(CultureInfo.InvariantCulture,
                    $"* memory transfer progress: {100.0 * status.TransferredRam / status.TotalRam:F2} %"));
                lastFeedback = DateTime.UtcNow;
            }
            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Undoes a migration that did not complete: the target's copy goes, the source resumes.
    /// Runs to the end even when the job was cancelled; each failure is reported.
    /// </summary>
    private async Task AbortAsync(InstanceSpec spec, JsonNode? migrationInfo, Node dst, bool accepted, bool targetDisksOpen)
    {
        var ct = CancellationToken.None;
        if (accepted)
        {
            try
            {
                await master.Rpc.CallAsync(dst, NodeProcedures.InstanceFinalizeMigrationDst,
                    new { instance = spec, info = migrationInfo, success = false }, ct).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                log($"Warning: could not remove the instance's copy on the target node {dst.Name}: {e.Message}");
            }
        }
        try
        {
            await master.Rpc.CallAsync(source, NodeProcedures.InstanceFinalizeMigrationSrc,
                new { instance = spec, success = false, live = Live }, ct).ConfigureAwait(false);
        }
        catch (GanetiException e)
        {
            log($"Warning: could not resume the instance on the source node {source.Name}: {e.Message}");
        }
        if (targetDisksOpen)
            await CloseDisksAsync(dst, ct).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- cleanup

    private async Task ExecCleanupAsync(CancellationToken ct)
    {
        var spec = InstanceSpecs.Build(cfg, inst);
        var places = await FindInstanceAsync(ct).ConfigureAwait(false);
        var onSource = places.GetValueOrDefault(source.Uuid);
        var others = places.Where(p => p.Key != source.Uuid).ToList();
        if (target is not null)
            others = others.Where(p => p.Key == target.Uuid).ToList();
        if (others.Count > 1)
            throw GanetiException.Exec(
                $"Instance {inst.Name} seems to run on {string.Join(", ", others.Select(o => cfg.Nodes[o.Key].Name))} besides its " +
                "primary; you will have to ensure manually that it runs only on one node and restart this operation");
        var other = others.Count == 1 ? cfg.Nodes[others[0].Key] : null;
        var onOther = others.Count == 1 ? others[0].Value : null;

        if (onSource is not null && other is not null)
        {
            // Both have a qemu: the one that runs the guest wins; a copy still receiving, or a
            // source that has handed over, is the leftover.
            var sourceActive = onSource.State == HvState.Running;
            var otherActive = onOther!.State == HvState.Running;
            if (sourceActive && otherActive)
                throw GanetiException.Exec(
                    $"Instance {inst.Name} seems to be {onSource.State} on {source.Name} and {onOther.State} on {other.Name}, or the " +
                    "hypervisor is confused; you will have to ensure manually that it runs only on one node and restart this operation");
            log("Trying to cleanup after failed migration");
            if (!otherActive)
            {
                await AbortAsync(spec, null, other, accepted: true, targetDisksOpen: cfg.InstanceDisks(inst).Count > 0)
                    .ConfigureAwait(false);
                log($"* instance confirmed to be running on its primary node ({source.Name})");
            }
            else
            {
                await master.Rpc.CallAsync(other, NodeProcedures.InstanceFinalizeMigrationDst,
                    new { instance = spec, info = (JsonNode?)null, success = true }, ct).ConfigureAwait(false);
                log($"* instance running on secondary node ({other.Name}), updating config");
                await SetPrimaryAsync(other, CancellationToken.None).ConfigureAwait(false);
                await master.Rpc.CallAsync(source, NodeProcedures.InstanceFinalizeMigrationSrc,
                    new { instance = spec, success = true, live = true }, ct).ConfigureAwait(false);
                await CloseDisksAsync(source, ct).ConfigureAwait(false);
            }
        }
        else if (onSource is not null)
        {
            log($"* instance confirmed to be running on its primary node ({source.Name})");
            if (Drbd)
                await CloseDisksAsync(target!, ct).ConfigureAwait(false);
        }
        else if (other is not null)
        {
            log($"* instance running on secondary node ({other.Name}), updating config");
            if (onOther!.State != HvState.Running)
                await master.Rpc.CallAsync(other, NodeProcedures.InstanceFinalizeMigrationDst,
                    new { instance = spec, info = (JsonNode?)null, success = true }, ct).ConfigureAwait(false);
            await SetPrimaryAsync(other, ct).ConfigureAwait(false);
            await CloseDisksAsync(source, ct).ConfigureAwait(false);
        }
        else
            throw GanetiException.Exec(
                $"Instance {inst.Name} does not seem to be running at all; in this case it's safer to repair by stopping it " +
                "(to ensure its disks are shut down) and then starting it again");
        log("* done");
    }

    /// <summary>Asks every online node (or the primary and the given target) whether it runs the instance.</summary>
    private async Task<Dictionary<string, HvInstanceInfo>> FindInstanceAsync(CancellationToken ct)
    {
        log("* checking where the instance actually runs (if this hangs, the hypervisor might be in a bad state)");
        var nodes = target is null
            ? cfg.Nodes.Values.Where(n => !n.Offline && n.VmCapable).ToList()
            : [source, target];
        var answers = await master.Rpc.CallManyAsync(nodes, NodeProcedures.InstanceInfo,
            new { instance_name = inst.Name, hypervisor = inst.Hypervisor }, ct).ConfigureAwait(false);
        var found = new Dictionary<string, HvInstanceInfo>(StringComparer.Ordinal);
        foreach (var (uuid, answer) in answers)
        {
            if (answer.Offline) continue;
            if (answer.Error is not null)
                throw GanetiException.Exec($"Can't contact node {cfg.Nodes[uuid].Name}: {answer.Error.Message}");
            var info = answer.Payload.Deserialize<HvInstanceInfo?>(Core.Json.GanetiJson.Options);
            if (info is not null && info.State != HvState.Shutdown) found[uuid] = info;
        }
        log($"* instance running on: {string.Join(",", found.Keys.Select(u => cfg.Nodes[u].Name))}");
        return found;
    }

    // ---------------------------------------------------------------- failover

    private async Task ExecFailoverAsync(CancellationToken ct)
    {
        var dst = target!;
        var up = inst.AdminState == AdminStates.Up;
        log($"Failover instance {inst.Name}");
        if (Drbd && inst.DisksActive)
            await CheckTargetConsistencyAsync(dst, ct).ConfigureAwait(false);
        if (source.Offline)
            log($"* not shutting down the instance: its primary node {source.Name} is offline");
        else
        {
            log("* shutting down instance on source node");
            try
            {
                await master.Rpc.CallAsync(source, NodeProcedures.InstanceShutdown,
                    new { instance = InstanceSpecs.Build(cfg, inst), timeout = request.ShutdownTimeout },
                    ct, NodeProcedures.Normal + TimeSpan.FromSeconds(request.ShutdownTimeout)).ConfigureAwait(false);
            }
            catch (GanetiException e) when (request.IgnoreConsistency)
            {
                log($"Warning: could not shutdown instance {inst.Name} on node {source.Name}, proceeding anyway " +
                    $"(ignore_consistency): {e.Message}");
            }
            catch (GanetiException e)
            {
                throw GanetiException.Exec($"Could not shutdown instance {inst.Name} on node {source.Name}: {e.Message}", e);
            }
        }
        log("* deactivating the instance's disks on source node");
        await InstanceOps.ShutdownDisksAsync(master, cfg, inst, log, ignoreFailures: request.IgnoreConsistency || source.Offline, ct)
            .ConfigureAwait(false);

        await SetPrimaryAsync(dst, ct).ConfigureAwait(false);
        if (!up)
        {
            log($"Instance {inst.Name} is not marked up: not starting it on {dst.Name}");
            return;
        }
        var now = master.Config.Current;
        log($"* activating the instance's disks on target node {dst.Name}");
        log($"* starting the instance on the target node {dst.Name}");
        try
        {
            await InstanceOps.StartAsync(master, now, now.Instances[inst.Uuid], false, null, null, log, ct).ConfigureAwait(false);
        }
        catch (GanetiException e)
        {
            throw GanetiException.Exec($"Could not start instance {inst.Name} on node {dst.Name}: {e.Message}", e);
        }
    }

    // ---------------------------------------------------------------- shared steps

    /// <summary>The address migration traffic goes to: the node's secondary (replication) address when it has one.</summary>
    private static string Address(Node node) => node.SecondaryIp is { Length: > 0 } s ? s : node.PrimaryIp;

    /// <summary>Makes the shared disks usable on <paramref name="node"/> and returns that node's view of them.</summary>
    private async Task<IReadOnlyList<DiskSpec>> OpenDisksAsync(Node node, CancellationToken ct)
    {
        var result = new List<DiskSpec>();
        var disks = cfg.InstanceDisks(inst);
        for (var i = 0; i < disks.Count; i++)
        {
            var spec = InstanceSpecs.Disk(cfg, disks[i], i, node.Uuid);
            var answer = await master.Rpc.CallAsync<AssembleResult>(node, NodeProcedures.BlockdevAssemble,
                new { disk = spec, instance_name = inst.Name, on_primary = true }, ct).ConfigureAwait(false);
            result.Add(spec with { Path = answer.Path, Uri = answer.Uri });
        }
        return result;
    }

    /// <summary>
    /// Releases the disks on one node; failures are warnings (the data lives elsewhere). For
    /// drbd the node's side is demoted and the mirror returns to single-primary mode.
    /// </summary>
    private async Task CloseDisksAsync(Node node, CancellationToken ct)
    {
        var disks = cfg.InstanceDisks(inst);
        if (disks.Count == 0 || node.Offline) return;
        if (Drbd)
        {
            try
            {
                await DrbdSingleMasterAsync(node, ct).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                log($"Warning: could not return the disks to single-primary mode with {node.Name} as secondary: {e.Message}");
            }
            return;
        }
        log($"* closing instance disks on node {node.Name}");
        for (var i = 0; i < disks.Count; i++)
        {
            try
            {
                await master.Rpc.CallAsync(node, NodeProcedures.BlockdevShutdown,
                    new { disk = InstanceSpecs.Disk(cfg, disks[i], i, node.Uuid) }, ct).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                log($"Warning: could not close disk/{i} on node {node.Name}: {e.Message}");
            }
        }
    }

    /// <summary>
    /// Records the new primary node, and that the instance's shared disks are used from there.
    /// A drbd disk already names both its nodes: the old primary simply becomes the secondary.
    /// </summary>
    private Task SetPrimaryAsync(Node node, CancellationToken ct)
    {
        var uuid = inst.Uuid;
        var from = inst.PrimaryNode;
        return master.Config.UpdateAsync(c =>
        {
            var i = c.Instances[uuid];
            i.PrimaryNode = node.Uuid;
            foreach (var d in c.InstanceDisks(i).Where(d => !InternallyMirrored.Contains(d.DevType)))
                for (var k = 0; k < d.Nodes.Count; k++)
                    if (d.Nodes[k] == from) d.Nodes[k] = node.Uuid;
            i.Touch(Config.ConfigStore.Now());
        }, ct);
    }

    // ---------------------------------------------------------------- drbd

    /// <summary>The instance's disks as <paramref name="node"/> sees them (its minor, its peer's address).</summary>
    private List<DiskSpec> DisksFor(Node node) =>
        cfg.InstanceDisks(inst).Select((d, i) => InstanceSpecs.Disk(cfg, d, i, node.Uuid)).ToList();

    private IEnumerable<Node> MirrorNodes => [source, target!];

    /// <summary>Makes <paramref name="node"/>'s side of every mirror secondary (Ganeti's blockdev_close).</summary>
    private async Task DrbdDemoteAsync(Node node, CancellationToken ct)
    {
        log($"* switching node {node.Name} to secondary mode");
        await master.Rpc.CallAsync(node, NodeProcedures.BlockdevClose,
            new { instance_name = inst.Name, disks = DisksFor(node) }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Disconnects both sides of each mirror and connects them again, allowing two primaries or
    /// not; returns once they are connected and in sync.
    /// </summary>
    private async Task DrbdReconnectAsync(bool dualPrimary, CancellationToken ct)
    {
        log("* changing into standalone mode");
        foreach (var node in MirrorNodes)
            await master.Rpc.CallAsync(node, NodeProcedures.DrbdDisconnectNet, new { disks = DisksFor(node) }, ct).ConfigureAwait(false);
        log(dualPrimary ? "* changing disks into dual-master mode" : "* changing disks into single-master mode");
        foreach (var node in MirrorNodes)
            await master.Rpc.CallAsync(node, NodeProcedures.DrbdAttachNet,
                new { disks = DisksFor(node), instance_name = inst.Name, multimaster = dualPrimary }, ct).ConfigureAwait(false);
        await DrbdWaitSyncAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Demotes <paramref name="secondary"/>, then returns the mirror to one primary.</summary>
    private async Task DrbdSingleMasterAsync(Node secondary, CancellationToken ct)
    {
        await DrbdDemoteAsync(secondary, ct).ConfigureAwait(false);
        await DrbdWaitSyncAsync(ct).ConfigureAwait(false);
        await DrbdReconnectAsync(dualPrimary: false, ct).ConfigureAwait(false);
    }

    /// <summary>Polls both nodes until every mirror is connected and no resync runs.</summary>
    private async Task DrbdWaitSyncAsync(CancellationToken ct)
    {
        log("* wait until resync is done");
        var deadline = DateTime.UtcNow + DrbdSyncTimeout;
        while (true)
        {
            var done = true;
            var least = 100.0;
            foreach (var node in MirrorNodes)
            {
                var answer = await master.Rpc.CallAsync(node, NodeProcedures.DrbdWaitSync, new { disks = DisksFor(node) }, ct)
                    .ConfigureAwait(false);
                done &= answer?["all_done"]?.GetValue<bool>()
                    ?? throw GanetiException.Exec($"Node {node.Name} sent a malformed answer to {NodeProcedures.DrbdWaitSync}");
                least = Math.Min(least, answer["min_resync"]?.GetValue<double>() ?? 100.0);
            }
            if (done)
                return;
            if (DateTime.UtcNow >= deadline)
                throw GanetiException.Exec(
                    $"The disks of instance {inst.Name} did not get in sync within {DrbdSyncTimeout.TotalMinutes:0} minutes " +
                    string.Create(CultureInfo.InvariantCulture, $"(least synchronised at {least:F1} %)"));
            log(string.Create(CultureInfo.InvariantCulture, $"   - progress: {least:F1}%"));
            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Before a failover of a drbd instance whose disks are active: the target's side must be
    /// up to date, unless the primary is offline (nothing better exists) or consistency is ignored.
    /// </summary>
    private async Task CheckTargetConsistencyAsync(Node dst, CancellationToken ct)
    {
        log("* checking disk consistency between source and target");
        List<JsonNode?> statuses;
        try
        {
            statuses = [.. (await master.Rpc.CallAsync(dst, NodeProcedures.BlockdevGetMirrorStatus,
                new { disks = DisksFor(dst) }, ct).ConfigureAwait(false)) as JsonArray ?? []];
        }
        catch (GanetiException e)
        {
            statuses = [];
            log($"Warning: cannot read the disk status on node {dst.Name}: {e.Message}");
        }
        var disks = cfg.InstanceDisks(inst);
        for (var i = 0; i < disks.Count; i++)
        {
            var status = i < statuses.Count ? statuses[i] : null;
            var degraded = status?["is_degraded"]?.GetValue<bool>() ?? true;
            if (!degraded)
                continue;
            if (source.Offline)
                log($"Node {source.Name} is offline, ignoring degraded disk {i} on target node {dst.Name}");
            else if (request.IgnoreConsistency)
                log($"Warning: disk {i} is degraded on target node {dst.Name}, proceeding anyway (ignore_consistency)");
            else
                throw GanetiException.Exec($"Disk {i} is degraded on target node {dst.Name}, aborting failover");
        }
    }

    /// <summary>A step of the migration failed after something was started: the caller aborts, then reports.</summary>
    private sealed class MigrationFailedException(string message, Exception? inner = null) : Exception(message, inner);
}
