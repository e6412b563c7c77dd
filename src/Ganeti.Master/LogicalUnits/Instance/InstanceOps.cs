using System.Text.Json;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// Steps several instance units share: finding the instance, assembling and shutting down its
/// disks on its nodes, starting and stopping it on its primary node.
/// </summary>
public static class InstanceOps
{
    public static Core.Config.Instance Find(ConfigData cfg, string name) =>
        cfg.FindInstance(name) ?? throw GanetiException.NotFound("Instance", name);

    /// <summary>Refuses to act when the instance's primary node is offline.</summary>
    public static Node PrimaryOnline(ConfigData cfg, Core.Config.Instance inst)
    {
        var node = cfg.Nodes[inst.PrimaryNode];
        if (node.Offline)
            throw GanetiException.Prereq($"Cannot use offline primary node {node.Name} of instance {inst.Name}", ErrorCodes.WrongState);
        return node;
    }

    /// <summary>Makes the instance's disks usable on their nodes; returns them with paths (primary's view).</summary>
    public static async Task<IReadOnlyList<DiskSpec>> AssembleDisksAsync(MasterContext master, ConfigData cfg,
        Core.Config.Instance inst, Action<string> log, CancellationToken ct)
    {
        var result = new List<DiskSpec>();
        var disks = cfg.InstanceDisks(inst);
        for (var i = 0; i < disks.Count; i++)
        {
            var disk = disks[i];
            DiskSpec? primaryView = null;
            foreach (var nodeUuid in disk.Nodes.OrderBy(n => n == inst.PrimaryNode ? 1 : 0))
            {
                var spec = InstanceSpecs.Disk(cfg, disk, i, nodeUuid);
                var node = cfg.Nodes[nodeUuid];
                var onPrimary = nodeUuid == inst.PrimaryNode;
                if (!onPrimary && node.Offline)
                {
                    // As in Ganeti: the primary's side serves the instance alone, degraded, until the secondary returns.
                    log($"Warning: not activating disk/{i} on offline secondary node {node.Name}");
                    continue;
                }
                var answer = await master.Rpc.CallAsync<AssembleResult>(node, NodeProcedures.BlockdevAssemble,
                    new { disk = spec, instance_name = inst.Name, on_primary = onPrimary }, ct).ConfigureAwait(false);
                if (onPrimary) primaryView = spec with { Path = answer.Path, Uri = answer.Uri };
            }
            result.Add(primaryView ?? InstanceSpecs.Disk(cfg, disk, i, inst.PrimaryNode));
        }
        if (disks.Count > 0) log($"Activated {disks.Count} disk(s) of {inst.Name}");
        await SetDisksActiveAsync(master, inst.Uuid, true, ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>Releases the instance's disks on all their nodes; failures are reported, not fatal unless asked.</summary>
    public static async Task ShutdownDisksAsync(MasterContext master, ConfigData cfg, Core.Config.Instance inst,
        Action<string> log, bool ignoreFailures, CancellationToken ct)
    {
        var disks = cfg.InstanceDisks(inst);
        for (var i = 0; i < disks.Count; i++)
        {
            foreach (var nodeUuid in disks[i].Nodes)
            {
                var node = cfg.Nodes[nodeUuid];
                try
                {
                    await master.Rpc.CallAsync(node, NodeProcedures.BlockdevShutdown,
                        new { disk = InstanceSpecs.Disk(cfg, disks[i], i, nodeUuid) }, ct).ConfigureAwait(false);
                }
                catch (GanetiException e) when (ignoreFailures || node.Offline)
                {
                    log($"Warning: could not shut down disk/{i} on node {node.Name}: {e.Message}");
                }
            }
        }
        if (master.Config.Current.Instances.ContainsKey(inst.Uuid))
            await SetDisksActiveAsync(master, inst.Uuid, false, ct).ConfigureAwait(false);
    }

    public static async Task StartAsync(MasterContext master, ConfigData cfg, Core.Config.Instance inst, bool paused,
        IReadOnlyDictionary<string, JsonElement>? hvOverride, IReadOnlyDictionary<string, JsonElement>? beOverride,
        Action<string> log, CancellationToken ct)
    {
        var node = PrimaryOnline(cfg, inst);
        var disks = await AssembleDisksAsync(master, cfg, inst, log, ct).ConfigureAwait(false);
        var spec = InstanceSpecs.Build(cfg, inst, disks);
        if (hvOverride is { Count: > 0 }) spec = spec with { Hvparams = Params.Fill(spec.Hvparams, hvOverride) };
        if (beOverride is { Count: > 0 }) spec = spec with { Beparams = Params.Fill(spec.Beparams, beOverride) };
        try
        {
            await master.Rpc.CallAsync(node, NodeProcedures.InstanceStart,
                new { instance = spec, startup_paused = paused }, ct).ConfigureAwait(false);
        }
        catch (GanetiException e)
        {
            await ShutdownDisksAsync(master, cfg, inst, log, ignoreFailures: true, ct).ConfigureAwait(false);
            throw GanetiException.Exec($"Could not start instance {inst.Name}: {e.Message}", e);
        }
        log($"Instance {inst.Name} started on node {node.Name}");
    }

    public static async Task StopAsync(MasterContext master, ConfigData cfg, Core.Config.Instance inst, int timeoutSeconds,
        bool ignoreOfflineNode, Action<string> log, CancellationToken ct)
    {
        var node = cfg.Nodes[inst.PrimaryNode];
        if (node.Offline)
        {
            if (!ignoreOfflineNode)
                throw GanetiException.Prereq($"Primary node {node.Name} is offline", ErrorCodes.WrongState);
            log($"Primary node {node.Name} is offline: only the configuration is changed");
            return;
        }
        await master.Rpc.CallAsync(node, NodeProcedures.InstanceShutdown,
            new { instance = InstanceSpecs.Build(cfg, inst), timeout = timeoutSeconds },
            ct, NodeProcedures.Normal + TimeSpan.FromSeconds(timeoutSeconds)).ConfigureAwait(false);
        log($"Instance {inst.Name} stopped");
    }

    /// <summary>Live state of the instance on its primary node, or null when not running (or node unreachable).</summary>
    public static async Task<HvInstanceInfo?> LiveInfoAsync(MasterContext master, ConfigData cfg, Core.Config.Instance inst,
        CancellationToken ct)
    {
        var node = cfg.Nodes[inst.PrimaryNode];
        if (node.Offline) return null;
        return await master.Rpc.CallAsync<HvInstanceInfo?>(node, NodeProcedures.InstanceInfo,
            new { instance_name = inst.Name, hypervisor = inst.Hypervisor }, ct).ConfigureAwait(false);
    }

    /// <summary>Checks that the primary node has the memory to start the instance.</summary>
    public static async Task CheckFreeMemoryAsync(MasterContext master, ConfigData cfg, Core.Config.Instance inst,
        IReadOnlyDictionary<string, JsonElement>? beOverride, CancellationToken ct)
    {
        var node = PrimaryOnline(cfg, inst);
        var be = Params.Fill(InstanceSpecs.FilledBeParams(cfg, inst), beOverride);
        var needed = Params.GetInt(be, "maxmem") ?? 128;
        var info = await master.Rpc.CallAsync<NodeInfoResult>(node, NodeProcedures.NodeInfo,
            new { hypervisors = new[] { inst.Hypervisor } }, ct).ConfigureAwait(false);
        if (info.Hypervisors.TryGetValue(inst.Hypervisor, out var hv) && hv.MemoryFree < needed)
            throw GanetiException.Prereq(
                $"Not enough memory on node {node.Name} to start instance {inst.Name}: needed {needed} MiB, available {hv.MemoryFree} MiB",
                ErrorCodes.InsufficientResources);
    }

    /// <summary>Records whether the instance's disks are assembled.</summary>
    public static Task SetDisksActiveAsync(MasterContext master, string instanceUuid, bool active, CancellationToken ct) =>
        master.Config.UpdateAsync(c =>
        {
            var i = c.Instances[instanceUuid];
            if (i.DisksActive == active) return;
            i.DisksActive = active;
            i.Touch(Config.ConfigStore.Now());
        }, ct);

    /// <summary>Ganeti's rule for instance and node names: a host name, no path or shell characters.</summary>
    public static string CheckName(string name, string what)
    {
        name = name.Trim();
        if (name.Length is 0 or > 255)
            throw GanetiException.WrongInput($"Invalid {what} name '{name}': must be 1 to 255 characters");
        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-') ||
                !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw GanetiException.WrongInput(
                    $"Invalid {what} name '{name}': use letters, digits, '-', '_' and '.' (a host name)");
        }
        return name.ToLowerInvariant();
    }
}

/// <summary>The answer to blockdev_assemble and blockdev_create.</summary>
public sealed record AssembleResult(string? Path, string? Uri);

