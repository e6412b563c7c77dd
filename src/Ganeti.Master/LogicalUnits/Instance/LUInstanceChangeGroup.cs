using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Allocation;
using Ganeti.Master.Locking;
using Ganeti.Master.LogicalUnits.Evacuation;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// gnt-instance change-group: the instance allocator plans the instance's move to another node
/// group (one of the target groups, or any other group), and the plan's opcodes are submitted
/// as follow-up jobs.
/// </summary>
public sealed class LUInstanceChangeGroup : LogicalUnit<OpInstanceChangeGroup>
{
    private Core.Config.Instance inst = null!;
    private List<Core.Config.NodeGroup> targets = [];

    private Core.Config.Instance Find() => InstanceOps.Find(Cfg, Op.InstanceUuid ?? Op.InstanceName);

    public override LockRequest? LocksAt(LockLevel level) => level switch
    {
        LockLevel.Instance => LockRequest.Of(level, [Find().Name], shared: true),
        LockLevel.NodeGroup => LockRequest.AllOf(level, shared: true),
        LockLevel.Node => LockRequest.AllOf(level, shared: true),
        _ => null,
    };

    private string Allocator => Op.Iallocator ?? Cfg.Cluster.DefaultIallocator;

    public override Task CheckPrereqAsync(CancellationToken cancellationToken)
    {
        inst = Find();
        var current = Cfg.InstanceNodes(inst).Select(n => Cfg.Nodes[n].Group).ToHashSet();
        if (Op.TargetGroups is { Count: > 0 } names)
        {
            targets = names.Select(g => Cfg.FindGroup(g) ?? throw GanetiException.NotFound("Node group", g)).ToList();
            var same = targets.Where(g => current.Contains(g.Uuid)).Select(g => g.Name).ToList();
            if (same.Count > 0)
                throw GanetiException.WrongInput($"Can't use group(s) '{string.Join(", ", same)}' as targets, they are used by the instance '{inst.Name}'");
        }
        else
            targets = Cfg.Nodegroups.Values.Where(g => !current.Contains(g.Uuid)).ToList();
        if (targets.Count == 0)
            throw GanetiException.WrongInput("There are no possible target groups");
        if (Allocator.Length == 0)
            throw GanetiException.WrongInput("No instance allocator given and the cluster has no default one");
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken cancellationToken)
    {
        var request = new JsonObject
        {
            ["type"] = "change-group",
            ["instances"] = new JsonArray(inst.Name),
            ["target_groups"] = new JsonArray(targets.Select(g => (JsonNode?)g.Uuid).ToArray()),
        };
        var result = await IAllocatorRunner.RunAsync(Master, Cfg, Allocator, request, cancellationToken).ConfigureAwait(false);
        return ResultWithJobs(EvacuationJobs.FromAllocatorResult(result, Op.EarlyRelease, Log));
    }
}
