using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// gnt-instance failover: stops the instance on its primary node (which may be offline),
/// moves it to the target in the configuration and, if it is marked up, starts it there.
/// </summary>
public sealed class LUInstanceFailover : MigrationLU<OpInstanceFailover>
{
    protected override MigrationRequest Request => new()
    {
        InstanceName = Op.InstanceName,
        Failover = true,
        Cleanup = Op.Cleanup,
        TargetNode = Op.TargetNode ?? Op.TargetNodeUuid,
        Iallocator = Op.Iallocator,
        IgnoreConsistency = Op.IgnoreConsistency,
        ShutdownTimeout = Op.ShutdownTimeout,
        IgnoreIpolicy = Op.IgnoreIpolicy,
    };
}
