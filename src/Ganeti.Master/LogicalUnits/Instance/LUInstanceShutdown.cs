using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>gnt-instance shutdown: marks the instance down (unless no_remember), stops it and releases its disks.</summary>
public sealed class LUInstanceShutdown : InstanceLockingLU<OpInstanceShutdown>
{
    public override string? HooksPath => "instance-stop";

    protected override string InstanceName => Op.InstanceName;

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        var inst = Inst;
        if (inst.AdminState == AdminStates.Offline && !Op.Force)
            throw GanetiException.WrongState($"Instance {inst.Name} is marked offline");
        if (Op.AdminStateSource is not (null or "admin" or "user"))
            throw GanetiException.WrongInput($"admin_state_source must be 'admin' or 'user', got '{Op.AdminStateSource}'");
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var uuid = Inst.Uuid;
        if (!Op.NoRemember)
            await Master.Config.UpdateAsync(c =>
            {
                var i = c.Instances[uuid];
                i.AdminState = AdminStates.Down;
                i.AdminStateSource = Op.AdminStateSource ?? "admin";
                i.Touch(Config.ConfigStore.Now());
            }, ct).ConfigureAwait(false);
        var cfg = Master.Config.Current;
        var inst = cfg.Instances[uuid];
        if (await InstanceOps.LiveInfoAsync(Master, cfg, inst, ct).ConfigureAwait(false) is null)
            Log($"Instance {inst.Name} is not running");
        else
            await InstanceOps.StopAsync(Master, cfg, inst, Op.Timeout, Op.IgnoreOfflineNodes, Log, ct).ConfigureAwait(false);
        await InstanceOps.ShutdownDisksAsync(Master, cfg, inst, Log, ignoreFailures: Op.Force, ct).ConfigureAwait(false);
        return null;
    }
}
