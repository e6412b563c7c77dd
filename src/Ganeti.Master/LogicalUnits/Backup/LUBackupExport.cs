using Ganeti.Remoting.NodeRpc;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.LogicalUnits.Instance;
using Ganeti.Master.Rpc;

namespace Ganeti.Master.LogicalUnits.Backup;

/// <summary>
/// gnt-backup export (local mode): stops the instance unless told not to, writes its disks
/// through the OS definition's export script (or raw) and config.ini into the export directory
/// in Ganeti's layout, restarts it if it was up, and optionally removes the instance.
/// </summary>
public sealed class LUBackupExport : InstanceLockingLU<OpBackupExport>
{
    private Node target = null!;

    protected override string InstanceName => Op.InstanceName;

    protected override bool PrimaryOnly => false;

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
        if (target.Uuid != inst.PrimaryNode)
            throw GanetiException.Prereq(
                $"Exporting to a node other than the primary ({Cfg.Nodes[inst.PrimaryNode].Name}) is not supported yet", ErrorCodes.WrongInput);
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
        try
        {
            var disks = await InstanceOps.AssembleDisksAsync(Master, cfg, inst, Log, ct).ConfigureAwait(false);
            var answer = await Master.Rpc.CallAsync(target, NodeProcedures.InstanceExportLocal, new
            {
                instance = InstanceSpecs.Build(cfg, inst, disks),
                disk_template = inst.DiskTemplate,
                mode = string.IsNullOrEmpty(inst.Os) ? "raw" : "os",
            }, ct).ConfigureAwait(false);
            path = answer?["path"]?.GetValue<string>() ?? "";
            Log($"Exported {inst.Name} to {target.Name}:{path}");
        }
        finally
        {
            if (wasRunning && Op.Shutdown && inst.AdminState == AdminStates.Up && !Op.RemoveInstance)
                await InstanceOps.StartAsync(Master, Master.Config.Current, inst, paused: false, null, null, Log, ct).ConfigureAwait(false);
            else if (!wasRunning || Op.Shutdown)
                await InstanceOps.ShutdownDisksAsync(Master, Master.Config.Current, inst, Log, ignoreFailures: true, ct).ConfigureAwait(false);
        }
        if (Op.RemoveInstance)
        {
            Log($"Removing instance {inst.Name} as asked");
            await InstanceRemoval.RemoveAsync(Master, inst, Op.ShutdownTimeout, Op.IgnoreRemoveFailures, Log, ct).ConfigureAwait(false);
        }
        var disksCount = Cfg.InstanceDisks(inst).Count;
        return new JsonArray(true, new JsonArray(Enumerable.Repeat<JsonNode?>(true, disksCount).Select(n => n?.DeepClone()).ToArray()));
    }
}
