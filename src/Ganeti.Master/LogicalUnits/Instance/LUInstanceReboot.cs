using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Master.Rpc;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// gnt-instance reboot: soft and hard reboots go to the hypervisor when the instance runs; a
/// full reboot (or rebooting a stopped instance) is stop, disks off and on, start.
/// </summary>
public sealed class LUInstanceReboot : InstanceLockingLU<OpInstanceReboot>
{
    public override string? HooksPath => "instance-reboot";

    protected override string InstanceName => Op.InstanceName;

    protected override bool PrimaryOnly => !Op.IgnoreSecondaries;

    public override void CheckArguments()
    {
        if (Op.RebootType is not ("soft" or "hard" or "full"))
            throw GanetiException.WrongInput($"Invalid reboot type '{Op.RebootType}' (soft, hard or full)");
    }

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        var inst = Inst;
        if (inst.AdminState == AdminStates.Offline)
            throw GanetiException.WrongState($"Instance {inst.Name} is marked offline");
        InstanceOps.PrimaryOnline(Cfg, inst);
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var inst = Inst;
        var node = Cfg.Nodes[inst.PrimaryNode];
        var running = await InstanceOps.LiveInfoAsync(Master, Cfg, inst, ct).ConfigureAwait(false) is not null;
        if (running && Op.RebootType is "soft" or "hard")
        {
            await Master.Rpc.CallAsync(node, NodeProcedures.InstanceReboot, new
            {
                instance = InstanceSpecs.Build(Cfg, inst),
                reboot_type = Op.RebootType,
                shutdown_timeout = Op.ShutdownTimeout,
            }, ct, NodeProcedures.Normal + TimeSpan.FromSeconds(Op.ShutdownTimeout)).ConfigureAwait(false);
            Log($"Instance {inst.Name} rebooted ({Op.RebootType})");
        }
        else
        {
            if (running)
                await InstanceOps.StopAsync(Master, Cfg, inst, Op.ShutdownTimeout, false, Log, ct).ConfigureAwait(false);
            await InstanceOps.ShutdownDisksAsync(Master, Cfg, inst, Log, ignoreFailures: false, ct).ConfigureAwait(false);
            await InstanceOps.StartAsync(Master, Cfg, inst, paused: false, null, null, Log, ct).ConfigureAwait(false);
        }
        if (inst.AdminState != AdminStates.Up)
            await Master.Config.UpdateAsync(c =>
            {
                var i = c.Instances[inst.Uuid];
                i.AdminState = AdminStates.Up;
                i.AdminStateSource = "admin";
                i.Touch(Config.ConfigStore.Now());
            }, ct).ConfigureAwait(false);
        return null;
    }
}
