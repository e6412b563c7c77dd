using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Query;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>gnt-instance console: how to connect to a running instance's console (ssh command, VNC, or a message).</summary>
public sealed class LUInstanceConsole : InstanceLockingLU<OpInstanceConsole>
{
    protected override string InstanceName => Op.InstanceName;

    protected override bool NodeLocksShared => true;

    public override async Task CheckPrereqAsync(CancellationToken ct)
    {
        var inst = Inst;
        InstanceOps.PrimaryOnline(Cfg, inst);
        if (await InstanceOps.LiveInfoAsync(Master, Cfg, inst, ct).ConfigureAwait(false) is null)
            throw GanetiException.WrongState($"Instance {inst.Name} is not running");
    }

    public override Task<JsonNode?> ExecAsync(CancellationToken ct) => InstanceConsole.GetAsync(Master.Rpc, Cfg, Inst, ct);
}
