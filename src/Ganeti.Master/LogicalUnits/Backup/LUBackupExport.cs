using Ganeti.Remoting.NodeRpc;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.LogicalUnits.Instance;
using Ganeti.Master.Locking;
using Ganeti.Master.Rpc;

namespace Ganeti.Master.LogicalUnits.Backup;

/// <summary>
/// gnt-backup export (local mode): stops the instance unless told not to, writes its disks
/// through the OS definition's export script (or raw) and config.ini into the export directory
/// in Ganeti's layout, restarts it if it was up, and optionally removes the instance. The
/// target node may be any node: when it is not the primary, each disk is streamed from the
/// primary to it (compressed as asked, checksummed) and the export is put together there,
/// appearing only once complete. Exports of the instance on other nodes are then removed.
/// </summary>
public sealed class LUBackupExport : InstanceLockingLU<OpBackupExport>
{
    private Node target = null!;

    protected override string InstanceName => Op.InstanceName;

    protected override bool PrimaryOnly => false;

    private bool Remote => target.Uuid != Inst.PrimaryNode;

    public override LockRequest? LocksAt(LockLevel level)
    {
        var request = base.LocksAt(level);
        if (level is LockLevel.Node or LockLevel.NodeRes && request is { Names: { } names } && Op.TargetNode.ValueKind == JsonValueKind.String
            && Cfg.FindNode(Op.TargetNode.GetString()!) is { } node && !names.Contains(node.Uuid))
            return LockRequest.Of(level, [.. names, node.Uuid], request.Shared);
        return request;
    }

    public override void CheckArguments()
    {
        if (Op.Mode != "local")
            throw GanetiException.Prereq("Remote (cross-cluster) export is not supported yet; use mode 'local'", ErrorCodes.WrongInput);
        if (Op.TargetNode.ValueKind != JsonValueKind.String)
            throw GanetiException.WrongInput("Parameter 'target_node' must be a node name for a local export");
    }

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        var inst = Inst;
        var name = Op.TargetNode.GetString()!;
        target = Cfg.FindNode(name) ?? throw GanetiException.NotFound("Node", name);
        if (target.Offline)
            throw GanetiException.Prereq($"Cannot export to offline node {target.Name}", ErrorCodes.WrongState);
        InstanceDataTransfer.CheckCompression(Op.Compress);
        InstanceOps.PrimaryOnline(Cfg, inst);
        if (!Op.Shutdown && Cfg.InstanceDisks(inst).Any())
            Log("Warning: exporting a running instance without a snapshot may give inconsistent data");
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var inst = Inst;
        var cfg = Cfg;
        var wasRunning = await InstanceOps.LiveInfoAsync(Master, cfg, inst, ct).ConfigureAwait(false) is not null;
        if (wasRunning && Op.Shutdown)
        {
            Log($"Shutting down instance {inst.Name} for the export");
            await InstanceOps.StopAsync(Master, cfg, inst, Op.ShutdownTimeout, false, Log, ct).ConfigureAwait(false);
        }
        string path;
        IReadOnlyList<bool> exported;
        try
        {
            var disks = await InstanceOps.AssembleDisksAsync(Master, cfg, inst, Log, ct).ConfigureAwait(false);
            var spec = InstanceSpecs.Build(cfg, inst, disks);
            var mode = string.IsNullOrEmpty(inst.Os) ? "raw" : "os";
            if (Remote)
                (path, exported) = await ExportToAnotherNodeAsync(cfg, inst, spec, mode, ct).ConfigureAwait(false);
            else
            {
                var answer = await Master.Rpc.CallAsync(target, NodeProcedures.InstanceExportLocal, new
                {
                    instance = spec,
                    disk_template = inst.DiskTemplate,
                    mode,
                    compression = Op.Compress,
                }, ct).ConfigureAwait(false);
                path = answer?["path"]?.GetValue<string>() ?? "";
                exported = answer?["exported"] is JsonArray a ? [.. a.Select(x => x?.GetValue<bool>() ?? false)]
                    : throw GanetiException.Exec($"Node {target.Name} did not say which disks it exported");
            }
            Log($"Exported {inst.Name} to {target.Name}:{path}");
        }
        finally
        {
            if (wasRunning && Op.Shutdown && inst.AdminState == AdminStates.Up && !Op.RemoveInstance)
                await InstanceOps.StartAsync(Master, Master.Config.Current, inst, paused: false, null, null, Log, ct).ConfigureAwait(false);
            else if (!wasRunning || Op.Shutdown)
                await InstanceOps.ShutdownDisksAsync(Master, Master.Config.Current, inst, Log, ignoreFailures: true, ct).ConfigureAwait(false);
        }
        await RemoveOlderExportsAsync(inst, ct).ConfigureAwait(false);
        if (Op.RemoveInstance)
        {
            Log($"Removing instance {inst.Name} as asked");
            await InstanceRemoval.RemoveAsync(Master, inst, Op.ShutdownTimeout, Op.IgnoreRemoveFailures, Log, ct).ConfigureAwait(false);
        }
        // Ganeti's (finalized, per-disk results): a disk not exported (swap) is reported false.
        return new JsonArray(true, new JsonArray(exported.Select(e => (JsonNode?)e).ToArray()));
    }

    /// <summary>
    /// As Ganeti does, an instance keeps one export: the new one replaces those it had on other
    /// nodes. Nodes that cannot be asked are reported, not fatal.
    /// </summary>
    private async Task RemoveOlderExportsAsync(Core.Config.Instance inst, CancellationToken ct)
    {
        var others = Cfg.Nodes.Values.Where(n => n.Uuid != target.Uuid && !n.Offline).ToList();
        var lists = await Master.Rpc.CallManyAsync(others, NodeProcedures.ExportList, new { }, ct).ConfigureAwait(false);
        foreach (var node in others)
        {
            var answer = lists[node.Uuid];
            if (answer.Error is not null)
            {
                Log($"Warning: could not list the exports on {node.Name}: {answer.Error.Message}");
                continue;
            }
            if (answer.Payload is not JsonArray names || !names.Any(n => n?.GetValue<string>() == inst.Name))
                continue;
            try
            {
                await Master.Rpc.CallAsync(node, NodeProcedures.ExportRemove, new { name = inst.Name }, ct).ConfigureAwait(false);
                Log($"Removed the older export of {inst.Name} on {node.Name}");
            }
            catch (GanetiException e)
            {
                Log($"Warning: could not remove the older export of {inst.Name} on {node.Name}: {e.Message}");
            }
        }
    }

    /// <summary>Streams every disk from the primary into an export being put together on the target node.</summary>
    private async Task<(string Path, IReadOnlyList<bool> Exported)> ExportToAnotherNodeAsync(ConfigData cfg, Core.Config.Instance inst,
        Remoting.NodeRpc.Messages.InstanceSpec spec, string mode, CancellationToken ct)
    {
        var primary = cfg.Nodes[inst.PrimaryNode];
        await Master.Rpc.CallAsync(target, NodeProcedures.ExportBegin, new { name = inst.Name }, ct).ConfigureAwait(false);
        try
        {
            var specNode = JsonSerializer.SerializeToNode(spec, Core.Json.GanetiJson.Options)!;
            var transfers = spec.Disks.Select((_, i) => new DiskTransfer($"disk/{i}",
                new JsonObject { ["instance"] = specNode.DeepClone(), ["disk_index"] = i, ["mode"] = mode, ["source"] = "disk" },
                new JsonObject { ["instance"] = specNode.DeepClone(), ["disk_index"] = i, ["destination"] = "export" })).ToList();
            var sent = await InstanceDataTransfer.RunAsync(Master, primary, target, transfers, Op.Compress, Log, ct).ConfigureAwait(false);
            var answer = await Master.Rpc.CallAsync(target, NodeProcedures.FinalizeExport, new
            {
                instance = spec,
                disk_template = inst.DiskTemplate,
                source_node = primary.Name,
                exported = sent,
            }, ct).ConfigureAwait(false);
            return (answer?["path"]?.GetValue<string>() ?? "", sent);
        }
        catch
        {
            try
            {
                await Master.Rpc.CallAsync(target, NodeProcedures.ExportRemove, new { name = inst.Name, unfinished = true },
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                Log($"Warning: could not remove the unfinished export on {target.Name}: {e.Message}");
            }
            throw;
        }
    }
}
