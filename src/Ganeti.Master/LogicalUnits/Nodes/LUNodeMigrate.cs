using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;

namespace Ganeti.Master.LogicalUnits.Nodes;

/// <summary>
/// gnt-node migrate: one follow-up job per primary instance of the node, each an instance
/// migration with the node's mode (or live flag), target node or allocator, runtime-change and
/// policy settings, as Ganeti does. Secondary instances stay; each migration picks its own
/// target when it runs (a drbd instance's is its secondary).
/// </summary>
public sealed class LUNodeMigrate : LogicalUnit<OpNodeMigrate>
{
    private Core.Config.Node node = null!;
    private Core.Config.Node? target;

    public override void CheckArguments()
    {
        if (Op.Mode is not null && Op.Live is not null)
            throw GanetiException.WrongInput("Only one of the 'live' and 'mode' parameters can be given");
        if (Op.Mode is not (null or "live" or "non-live"))
            throw GanetiException.WrongInput($"Invalid migration mode '{Op.Mode}' (live or non-live)");
        if ((Op.TargetNode ?? Op.TargetNodeUuid) is not null && Op.Iallocator is not null)
            throw GanetiException.WrongInput("Give either a target node or an iallocator, not both");
    }

    private Core.Config.Node Find() =>
        Cfg.FindNode(Op.NodeUuid ?? Op.NodeName) ?? throw GanetiException.NotFound("Node", Op.NodeName);

    public override LockRequest? LocksAt(LockLevel level) => level switch
    {
        LockLevel.Node => LockRequest.Of(level, [Find().Uuid], shared: true),
        _ => null,
    };

    public override Task CheckPrereqAsync(CancellationToken cancellationToken)
    {
        node = Find();
        if ((Op.TargetNodeUuid ?? Op.TargetNode) is { } t)
        {
            target = Cfg.FindNode(t) ?? throw GanetiException.NotFound("Node", t);
            if (target.Uuid == node.Uuid)
                throw GanetiException.WrongInput($"Cannot migrate the instances of node {node.Name} to the node itself");
        }
        return Task.CompletedTask;
    }

    public override Task<JsonNode?> ExecAsync(CancellationToken cancellationToken)
    {
        var primaries = Cfg.Instances.Values.Where(i => i.PrimaryNode == node.Uuid)
            .OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
        if (primaries.Count == 0)
            Log($"No primary instances on node {node.Name}");
        else
            Log($"Migrating {primaries.Count} primary instance(s) off node {node.Name}: {string.Join(", ", primaries.Select(i => i.Name))}");
        var jobs = primaries.Select(i => (IReadOnlyList<JsonObject>)
        [
            new JsonObject
            {
                ["OP_ID"] = OpInstanceMigrate.Id,
                ["instance_name"] = i.Name,
                ["mode"] = Op.Mode,
                ["live"] = Op.Live,
                ["iallocator"] = Op.Iallocator,
                ["target_node"] = target?.Name,
                ["allow_runtime_changes"] = Op.AllowRuntimeChanges,
                ["ignore_ipolicy"] = Op.IgnoreIpolicy,
            },
        ]);
        return Task.FromResult<JsonNode?>(ResultWithJobs(jobs));
    }
}
