using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>gnt-instance activate-disks: assembles the instance's disks on their nodes and reports the device paths.</summary>
public sealed class LUInstanceActivateDisks : InstanceLockingLU<OpInstanceActivateDisks>
{
    protected override string InstanceName => Op.InstanceName;

    protected override bool PrimaryOnly => false;

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        InstanceOps.PrimaryOnline(Cfg, Inst);
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var inst = Inst;
        var disks = await InstanceOps.AssembleDisksAsync(Master, Cfg, inst, Log, ct).ConfigureAwait(false);
        await InstanceOps.SetDisksActiveAsync(Master, inst.Uuid, true, ct).ConfigureAwait(false);
        var pnode = Cfg.Nodes[inst.PrimaryNode].Name;
        var ivNames = Cfg.InstanceDisks(inst).Select(d => d.IvName).ToList();
        return new JsonArray(disks.Select((d, i) => (JsonNode?)new JsonArray(pnode, ivNames[i], d.Path)).ToArray());
    }
}
