using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>gnt-instance startup: marks the instance up (unless no_remember) and starts it on its primary node.</summary>
public sealed class LUInstanceStartup : InstanceLockingLU<OpInstanceStartup>
{
    public override string? HooksPath => "instance-start";

    protected override string InstanceName => Op.InstanceName;

    private bool alreadyRunning;

    public override async Task CheckPrereqAsync(CancellationToken ct)
    {
        var inst = Inst;
        if (inst.AdminState == AdminStates.Offline)
            throw GanetiException.WrongState($"Instance {inst.Name} is marked offline; online it first");
        if (Op.Beparams.Count > 0)
        {
            var bad = Op.Beparams.Keys.Where(k => k is not ("maxmem" or "minmem" or "vcpus" or "memory" or "auto_balance" or "always_failover" or "spindle_use")).ToList();
            if (bad.Count > 0) throw GanetiException.WrongInput($"Unknown backend parameter(s): {string.Join(", ", bad)}");
        }
        var node = InstanceOps.PrimaryOnline(Cfg, inst);
        if (node.Offline && !Op.IgnoreOfflineNodes)
            throw GanetiException.WrongState($"Primary node {node.Name} is offline");
        alreadyRunning = await InstanceOps.LiveInfoAsync(Master, Cfg, inst, ct).ConfigureAwait(false) is not null;
        if (!alreadyRunning)
            await InstanceOps.CheckFreeMemoryAsync(Master, Cfg, inst, Op.Beparams, ct).ConfigureAwait(false);
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var uuid = Inst.Uuid;
        if (!Op.NoRemember)
            await Master.Config.UpdateAsync(c =>
            {
                var i = c.Instances[uuid];
                if (i.AdminState == AdminStates.Up && i.AdminStateSource == "admin") return;
                i.AdminState = AdminStates.Up;
                i.AdminStateSource = "admin";
                i.Touch(Config.ConfigStore.Now());
            }, ct).ConfigureAwait(false);
        if (alreadyRunning)
        {
            Log($"Instance {Op.InstanceName} is already running");
            return null;
        }
        var cfg = Master.Config.Current;
        await InstanceOps.StartAsync(Master, cfg, cfg.Instances[uuid], Op.StartupPaused, Op.Hvparams, Op.Beparams, Log, ct)
            .ConfigureAwait(false);
        return null;
    }
}
