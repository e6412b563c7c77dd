using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>gnt-instance deactivate-disks: releases the disks of a stopped instance (force: even when it runs).</summary>
public sealed class LUInstanceDeactivateDisks : InstanceLockingLU<OpInstanceDeactivateDisks>
{
    protected override string InstanceName => Op.InstanceName;

    protected override bool PrimaryOnly => false;

    public override async Task CheckPrereqAsync(CancellationToken ct)
    {
        if (!Op.Force && await InstanceOps.LiveInfoAsync(Master, Cfg, Inst, ct).ConfigureAwait(false) is not null)
            throw GanetiException.WrongState($"Instance {Inst.Name} is running; stop it first (or use force)");
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var inst = Inst;
        await InstanceOps.ShutdownDisksAsync(Master, Cfg, inst, Log, ignoreFailures: Op.Force, ct).ConfigureAwait(false);
        await InstanceOps.SetDisksActiveAsync(Master, inst.Uuid, false, ct).ConfigureAwait(false);
        return null;
    }
}
