using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// Units that act on one existing instance: they lock it, then its nodes (primary only, or all)
/// at the node and node-res levels, as Ganeti's _LockInstancesNodes does.
/// </summary>
public abstract class InstanceLockingLU<TOp> : LogicalUnit<TOp> where TOp : OpCode
{
    protected abstract string InstanceName { get; }

    /// <summary>Only the primary node's locks (start/stop), or all the instance's nodes.</summary>
    protected virtual bool PrimaryOnly => true;

    protected virtual bool NodeLocksShared => false;

    protected Core.Config.Instance Inst => InstanceOps.Find(Cfg, InstanceName);

    public override string HooksObjectType => "INSTANCE";

    // The instance as the unit last read it: still there for the post hooks of a removal.
    public override IReadOnlyDictionary<string, string> HooksEnv() => HooksMaster.InstanceEnv(Cfg, Inst);

    public override (IReadOnlyList<string> Pre, IReadOnlyList<string> Post) HooksNodes()
    {
        var nodes = new List<string> { Cfg.Cluster.MasterNode };
        nodes.AddRange(Cfg.InstanceNodes(Inst));
        return (nodes, nodes);
    }

    public override LockRequest? LocksAt(LockLevel level)
    {
        switch (level)
        {
            case LockLevel.Instance:
                // An unknown name fails here, before anything waits for locks.
                return LockRequest.Of(level, [Inst.Name]);
            case LockLevel.Node or LockLevel.NodeRes:
                var inst = Inst;
                var nodes = PrimaryOnly ? [inst.PrimaryNode] : Cfg.InstanceNodes(inst);
                return LockRequest.Of(level, nodes, NodeLocksShared);
            default:
                return null;
        }
    }
}
