using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// gnt-instance migrate: moves the running instance to the target node without stopping it
/// (live) or paused during the copy (non-live); cleanup repairs an interrupted migration;
/// allow_failover falls back to a failover when the instance cannot be migrated.
/// </summary>
public sealed class LUInstanceMigrate : MigrationLU<OpInstanceMigrate>
{
    protected override MigrationRequest Request => new()
    {
        InstanceName = Op.InstanceName,
        Cleanup = Op.Cleanup,
        TargetNode = Op.TargetNode ?? Op.TargetNodeUuid,
        Iallocator = Op.Iallocator,
        Mode = Op.Mode,
        Live = Op.Live,
        AllowFailover = Op.AllowFailover,
        AllowRuntimeChanges = Op.AllowRuntimeChanges,
        IgnoreIpolicy = Op.IgnoreIpolicy,
        IgnoreHvversions = Op.IgnoreHvversions,
    };
}
