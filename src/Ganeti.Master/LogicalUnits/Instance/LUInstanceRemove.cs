using System.Text.Json.Nodes;
using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>gnt-instance remove: stops the instance, removes its disks on every node and drops it from the configuration.</summary>
public sealed class LUInstanceRemove : InstanceLockingLU<OpInstanceRemove>
{
    public override string? HooksPath => "instance-remove";

    protected override string InstanceName => Op.InstanceName;

    protected override bool PrimaryOnly => false;

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        await InstanceRemoval.RemoveAsync(Master, Inst, Op.ShutdownTimeout, Op.IgnoreFailures, Log, ct).ConfigureAwait(false);
        return null;
    }
}
