using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Allocation;
using Ganeti.Master.Locking;
using Ganeti.Master.LogicalUnits.Evacuation;

namespace Ganeti.Master.LogicalUnits.Nodes;

/// <summary>
/// gnt-node evacuate: computes how to move the node's primary instances, secondary instances
/// or both elsewhere, and submits one follow-up job per instance (migrations, failovers, disk
/// replacements). With a remote node only secondaries move, each by a disk replacement onto
/// it; otherwise the instance allocator (the cluster's default when none is named) decides.
/// </summary>
public sealed class LUNodeEvacuate : LogicalUnit<OpNodeEvacuate>
{
    private Core.Config.Node node = null!;
    private Core.Config.Node? remote;
    private List<Core.Config.Instance> instances = [];

    public override void CheckArguments()
    {
        if (!OpValues.NodeEvacuateMode.Values.Contains(Op.Mode))
            throw GanetiException.WrongInput($"Invalid evacuation mode '{Op.Mode}': expected one of {string.Join(", ", OpValues.NodeEvacuateMode.Values)}");
        if (Op.RemoteNode is not null && Op.Iallocator is not null)
            throw GanetiException.WrongInput("Give either a remote node or an instance allocator, not both");
        if (Op.RemoteNode is not null && Op.Mode != OpValues.NodeEvacuateMode.SecondaryOnly)
            throw GanetiException.WrongInput("A remote node can only take secondary instances: use mode secondary-only or an instance allocator");
    }

    private Core.Config.Node Find() =>
        Cfg.FindNode(Op.NodeUuid ?? Op.NodeName) ?? throw GanetiException.NotFound("Node", Op.NodeName);

    private List<Core.Config.Instance> Affected(Core.Config.Node n)
    {
        bool primaries = Op.Mode != OpValues.NodeEvacuateMode.SecondaryOnly;
        bool secondaries = Op.Mode != OpValues.NodeEvacuateMode.PrimaryOnly;
        return Cfg.Instances.Values
            .Where(i => (primaries && i.PrimaryNode == n.Uuid) || (secondaries && Cfg.SecondaryNodes(i).Contains(n.Uuid)))
            .OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
    }

    public override LockRequest? LocksAt(LockLevel level) => level switch
    {
        LockLevel.Instance => LockRequest.Of(level, Affected(Find()).Select(i => i.Name), shared: true),
        LockLevel.NodeGroup => LockRequest.AllOf(level, shared: true),
        LockLevel.Node => LockRequest.AllOf(level, shared: true),
        _ => null,
    };

    public override Task CheckPrereqAsync(CancellationToken cancellationToken)
    {
        node = Find();
        if (Op.RemoteNode is not null)
        {
            remote = Cfg.FindNode(Op.RemoteNodeUuid ?? Op.RemoteNode) ?? throw GanetiException.NotFound("Node", Op.RemoteNode);
            if (remote.Uuid == node.Uuid)
                throw GanetiException.WrongInput($"Can not use evacuated node {node.Name} as the new secondary node");
            if (remote.Offline || remote.Drained)
                throw GanetiException.WrongState($"Node {remote.Name} is offline or drained and cannot take instances");
        }
        instances = Affected(node);
        if (remote is not null)
            foreach (var i in instances)
            {
                if (i.DiskTemplate != "drbd")
                    throw GanetiException.WrongInput($"Instance {i.Name} uses disk template {i.DiskTemplate}; only drbd instances have a secondary to replace");
                if (i.PrimaryNode == remote.Uuid)
                    throw GanetiException.WrongInput($"Node {remote.Name} is the primary node of instance {i.Name} and cannot be its secondary");
            }
        else if (Allocator.Length == 0)
            throw GanetiException.WrongInput("No instance allocator given and the cluster has no default one; give an allocator or a remote node");
        return Task.CompletedTask;
    }

    private string Allocator => Op.Iallocator ?? Cfg.Cluster.DefaultIallocator;

    public override async Task<JsonNode?> ExecAsync(CancellationToken cancellationToken)
    {
        if (instances.Count == 0)
        {
            Log($"No instances to evacuate from node {node.Name}");
            return ResultWithJobs([]);
        }
        if (remote is not null)
            return ResultWithJobs(instances.Select(i => (IReadOnlyList<JsonObject>)
            [
                new JsonObject
                {
                    ["OP_ID"] = "OP_INSTANCE_REPLACE_DISKS", ["instance_name"] = i.Name, ["mode"] = "replace_new_secondary",
                    ["remote_node"] = remote.Name, ["disks"] = new JsonArray(), ["early_release"] = Op.EarlyRelease,
                },
            ]));
        var request = new JsonObject
        {
            ["type"] = "node-evacuate",
            ["instances"] = new JsonArray(instances.Select(i => (JsonNode?)i.Name).ToArray()),
            ["evac_mode"] = Op.Mode,
        };
        var result = await IAllocatorRunner.RunAsync(Master, Cfg, Allocator, request, cancellationToken).ConfigureAwait(false);
        return ResultWithJobs(EvacuationJobs.FromAllocatorResult(result, Op.EarlyRelease, Log));
    }
}
