using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Json;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Allocation;
using Ganeti.Master.Config;
using Ganeti.Master.LogicalUnits.Cluster;
using Ganeti.Master.LogicalUnits.Evacuation;
using Ganeti.Master.LogicalUnits.Instance;

namespace Ganeti.Master.LogicalUnits.Groups;

/// <summary>Lookups and checks the node group units share.</summary>
internal static class GroupChecks
{
    public static NodeGroup Find(ConfigData cfg, string nameOrUuid) =>
        cfg.FindGroup(nameOrUuid) ?? throw GanetiException.NotFound("Node group", nameOrUuid);

    public static string CheckNewName(ConfigData cfg, string name)
    {
        var checkedName = InstanceOps.CheckName(name, "node group");
        if (cfg.FindGroup(checkedName) is not null)
            throw GanetiException.Exists($"Desired group name '{checkedName}' already exists as a node group");
        return checkedName;
    }

    /// <summary>A group's instance policy overrides: typed, and valid once filled with the cluster's.</summary>
    public static Dictionary<string, JsonElement> CheckPolicy(ConfigData cfg, IReadOnlyDictionary<string, JsonElement> overrides)
    {
        var filled = ClusterParameterChecks.UpdateIpolicy(cfg.Cluster.Ipolicy, overrides);
        ClusterParameterChecks.CheckIpolicy(filled, cfg.Cluster.EnabledDiskTemplates, checkTemplates: false);
        return overrides.ToDictionary(kv => kv.Key, kv => filled[kv.Key], StringComparer.Ordinal);
    }
}

/// <summary>gnt-group add: a new, empty node group with its own allocation policy and parameter overrides.</summary>
public sealed class LUGroupAdd : LogicalUnit<OpGroupAdd>
{
    private string name = "";
    private Dictionary<string, JsonElement> ndparams = [];
    private Dictionary<string, Dictionary<string, JsonElement>> diskparams = [];
    private Dictionary<string, JsonElement> ipolicy = [];

    public override bool RequiresBgl => true;

    public override string? HooksPath => "group-add";

    public override string HooksObjectType => "GROUP";

    public override IReadOnlyDictionary<string, string> HooksEnv() => new Dictionary<string, string> { ["GROUP_NAME"] = Op.GroupName };

    public override void CheckArguments()
    {
        if (Op.HvState is not null || Op.DiskState is not null)
            throw GanetiException.WrongInput("hv_state and disk_state are not kept by this cluster and cannot be set");
    }

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        name = GroupChecks.CheckNewName(Cfg, Op.GroupName);
        ndparams = Op.Ndparams is null ? [] : ClusterParameterChecks.Typed("node", ClusterDefaults.Node(), Op.Ndparams);
        var disk = ClusterDefaults.Disk();
        diskparams = (Op.Diskparams ?? []).ToDictionary(kv => kv.Key,
            kv => disk.TryGetValue(kv.Key, out var d)
                ? ClusterParameterChecks.Typed($"{kv.Key} disk", d, kv.Value)
                : throw GanetiException.WrongInput($"diskparams given for unknown disk template '{kv.Key}'"), StringComparer.Ordinal);
        ipolicy = Op.Ipolicy is null ? [] : GroupChecks.CheckPolicy(Cfg, Op.Ipolicy);
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        await Master.Config.UpdateAsync(c =>
        {
            var now = ConfigStore.Now();
            var g = new NodeGroup
            {
                Uuid = Guid.NewGuid().ToString(), Name = name, AllocPolicy = Op.AllocPolicy ?? "preferred",
                Ndparams = ndparams, Diskparams = diskparams, Ipolicy = ipolicy, Ctime = now, Mtime = now,
            };
            c.Nodegroups[g.Uuid] = g;
        }, ct).ConfigureAwait(false);
        return null;
    }
}

/// <summary>
/// gnt-group modify: the allocation policy and the group's node, disk and instance policy
/// overrides. "default" (or null) removes an override so the cluster's value applies again;
/// instances that the new policy no longer admits are named in a warning, as in Ganeti.
/// </summary>
public sealed class LUGroupSetParams : LogicalUnit<OpGroupSetParams>
{
    private NodeGroup group = null!;
    private Dictionary<string, JsonElement>? ndparams;
    private Dictionary<string, Dictionary<string, JsonElement>>? diskparams;
    private Dictionary<string, JsonElement>? ipolicy;

    public override bool RequiresBgl => true;

    public override string? HooksPath => "group-modify";

    public override string HooksObjectType => "GROUP";

    public override IReadOnlyDictionary<string, string> HooksEnv()
    {
        var env = new Dictionary<string, string> { ["GROUP_NAME"] = Op.GroupName };
        if (Op.AllocPolicy is not null) env["NEW_ALLOC_POLICY"] = Op.AllocPolicy;
        return env;
    }

    public override void CheckArguments()
    {
        if (Op.HvState is not null || Op.DiskState is not null)
            throw GanetiException.WrongInput("hv_state and disk_state are not kept by this cluster and cannot be set");
        if (Op.AllocPolicy is null && Op.Ndparams is null && Op.Diskparams is null && Op.Ipolicy is null)
            throw GanetiException.WrongInput("Please pass at least one modification (alloc_policy, ndparams, diskparams or ipolicy)");
    }

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        group = GroupChecks.Find(Cfg, Op.GroupName);
        if (Op.Ndparams is { } nd)
            ndparams = ClusterParameterChecks.Typed("node", ClusterDefaults.Node(), ParameterUpdates.Apply(group.Ndparams, nd));
        if (Op.Diskparams is { } dp)
        {
            var defaults = ClusterDefaults.Disk();
            diskparams = group.Diskparams.ToDictionary(kv => kv.Key, kv => new Dictionary<string, JsonElement>(kv.Value, StringComparer.Ordinal), StringComparer.Ordinal);
            foreach (var (template, changes) in dp)
            {
                if (!defaults.TryGetValue(template, out var def))
                    throw GanetiException.WrongInput($"diskparams given for unknown disk template '{template}'");
                var updated = ClusterParameterChecks.Typed($"{template} disk", def,
                    ParameterUpdates.Apply(diskparams.GetValueOrDefault(template) ?? [], changes));
                if (updated.Count == 0) diskparams.Remove(template);
                else diskparams[template] = updated;
            }
        }
        if (Op.Ipolicy is { } ip)
        {
            var overrides = new Dictionary<string, JsonElement>(group.Ipolicy, StringComparer.Ordinal);
            foreach (var (key, value) in ip)
            {
                if (key == "std")
                    throw GanetiException.WrongInput("The ipolicy std cannot appear in a node group's instance policy (it is the cluster's)");
                if (ParameterUpdates.IsDefault(value) || (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 1
                        && value[0].ValueKind == JsonValueKind.String && value[0].GetString() == "default"))
                    overrides.Remove(key);
                else
                    overrides[key] = value;
            }
            ipolicy = GroupChecks.CheckPolicy(Cfg, overrides);
            var filled = Params.Fill(Cfg.Cluster.Ipolicy, ipolicy);
            var violating = Cfg.Instances.Values
                .Where(i => Cfg.Nodes.TryGetValue(i.PrimaryNode, out var p) && p.Group == group.Uuid)
                .Where(i => InstancePolicy.Check(Cfg, i, filled) != Ganeti.HTools.Model.FailMode.None)
                .Select(i => i.Name).Order(StringComparer.Ordinal).ToList();
            if (violating.Count > 0)
                Log("Warning: After the ipolicy change the following instances violate it: " + string.Join(", ", violating));
        }
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var changes = new JsonArray();
        await Master.Config.UpdateAsync(c =>
        {
            var g = c.Nodegroups[group.Uuid];
            if (Op.AllocPolicy is { } policy) g.AllocPolicy = policy;
            if (ndparams is not null) g.Ndparams = ndparams;
            if (diskparams is not null) g.Diskparams = diskparams;
            if (ipolicy is not null) g.Ipolicy = ipolicy;
            g.Touch(ConfigStore.Now());
        }, ct).ConfigureAwait(false);
        if (Op.AllocPolicy is { } ap) changes.Add(new JsonArray("alloc_policy", ap));
        if (ndparams is not null) changes.Add(new JsonArray("ndparams", GanetiJson.ToNode(ndparams)));
        if (diskparams is not null) changes.Add(new JsonArray("diskparams", GanetiJson.ToNode(diskparams)));
        if (ipolicy is not null) changes.Add(new JsonArray("ipolicy", GanetiJson.ToNode(ipolicy)));
        return changes;
    }
}

/// <summary>gnt-group rename.</summary>
public sealed class LUGroupRename : LogicalUnit<OpGroupRename>
{
    private string uuid = "";
    private string newName = "";

    public override bool RequiresBgl => true;

    public override string? HooksPath => "group-rename";

    public override string HooksObjectType => "GROUP";

    public override IReadOnlyDictionary<string, string> HooksEnv() =>
        new Dictionary<string, string> { ["OLD_NAME"] = Op.GroupName, ["NEW_NAME"] = Op.NewName };

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        uuid = GroupChecks.Find(Cfg, Op.GroupName).Uuid;
        newName = GroupChecks.CheckNewName(Cfg, Op.NewName);
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        await Master.Config.UpdateAsync(c =>
        {
            var g = c.Nodegroups[uuid];
            g.Name = newName;
            g.Touch(ConfigStore.Now());
        }, ct).ConfigureAwait(false);
        return JsonValue.Create(newName);
    }
}

/// <summary>gnt-group remove: only an empty group (so never the master's, and never the last one).</summary>
public sealed class LUGroupRemove : LogicalUnit<OpGroupRemove>
{
    private string uuid = "";

    public override bool RequiresBgl => true;

    public override string? HooksPath => "group-remove";

    public override string HooksObjectType => "GROUP";

    public override IReadOnlyDictionary<string, string> HooksEnv() => new Dictionary<string, string> { ["GROUP_NAME"] = Op.GroupName };

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        var g = GroupChecks.Find(Cfg, Op.GroupName);
        uuid = g.Uuid;
        var members = Cfg.Nodes.Values.Where(n => n.Group == uuid).Select(n => n.Name).Order(StringComparer.Ordinal).ToList();
        if (members.Count > 0)
            throw GanetiException.Prereq($"Group '{g.Name}' not empty, has the following node(s): {string.Join(", ", members)}", ErrorCodes.WrongState);
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        await Master.Config.UpdateAsync(c => c.Nodegroups.Remove(uuid), ct).ConfigureAwait(false);
        return null;
    }
}

/// <summary>
/// gnt-group assign-nodes: moves nodes into the group. A move that would leave a drbd
/// instance with its nodes in two groups is refused unless forced (then it is a warning).
/// </summary>
public sealed class LUGroupAssignNodes : LogicalUnit<OpGroupAssignNodes>
{
    private string uuid = "";
    private List<string> nodes = [];

    public override bool RequiresBgl => true;

    public override string? HooksPath => "group-assign-nodes";

    public override string HooksObjectType => "GROUP";

    public override IReadOnlyDictionary<string, string> HooksEnv() =>
        new Dictionary<string, string> { ["GROUP_NAME"] = Op.GroupName, ["NODES"] = string.Join(" ", Op.Nodes) };

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        var group = GroupChecks.Find(Cfg, Op.GroupName);
        uuid = group.Uuid;
        nodes = Op.Nodes.Select(n => (Cfg.FindNode(n) ?? throw GanetiException.NotFound("Node", n)).Uuid).Distinct().ToList();
        var moved = nodes.ToHashSet();
        string GroupAfter(string node) => moved.Contains(node) ? uuid : Cfg.Nodes[node].Group;
        var split = Cfg.Instances.Values
            .Where(i => Cfg.InstanceNodes(i).Any(moved.Contains) && Cfg.InstanceNodes(i).Select(GroupAfter).Distinct().Count() > 1)
            .Select(i => i.Name).Order(StringComparer.Ordinal).ToList();
        if (split.Count > 0)
        {
            var message = $"Instance(s) {string.Join(", ", split)} would be split across node groups";
            if (!Op.Force)
                throw GanetiException.Prereq(message + "; use force to move the nodes anyway", ErrorCodes.WrongState);
            Log("Warning: " + message);
        }
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        await Master.Config.UpdateAsync(c =>
        {
            var now = ConfigStore.Now();
            foreach (var n in nodes.Select(u => c.Nodes[u]).Where(n => n.Group != uuid))
            {
                n.Group = uuid;
                n.Touch(now);
            }
        }, ct).ConfigureAwait(false);
        return null;
    }
}

/// <summary>
/// gnt-group evacuate: the allocator plans moving every instance with a node in the group to
/// the target groups (given, or every other group); the plan's opcodes run as follow-up jobs,
/// migrations turned into failovers when asked, one after another when sequential.
/// </summary>
public sealed class LUGroupEvacuate : LogicalUnit<OpGroupEvacuate>
{
    private NodeGroup group = null!;
    private List<NodeGroup> targets = [];
    private List<string> instances = [];

    private string Allocator => Op.Iallocator ?? Cfg.Cluster.DefaultIallocator;

    public override string? HooksPath => "group-evacuate";

    public override string HooksObjectType => "GROUP";

    public override IReadOnlyDictionary<string, string> HooksEnv() => new Dictionary<string, string>
    {
        ["GROUP_NAME"] = Op.GroupName,
        ["TARGET_GROUPS"] = string.Join(" ", targets.Select(t => t.Uuid)),
    };

    public override (IReadOnlyList<string> Pre, IReadOnlyList<string> Post) HooksNodes()
    {
        var nodes = Cfg.Nodes.Values.Where(n => n.Group == group.Uuid).Select(n => n.Uuid).Prepend(Cfg.Cluster.MasterNode).ToList();
        return (nodes, nodes);
    }

    public override Locking.LockRequest? LocksAt(Locking.LockLevel level) => level switch
    {
        Locking.LockLevel.Instance or Locking.LockLevel.NodeGroup or Locking.LockLevel.Node => Locking.LockRequest.AllOf(level, shared: true),
        _ => null,
    };

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        group = GroupChecks.Find(Cfg, Op.GroupName);
        if (Op.TargetGroups is { Count: > 0 } names)
        {
            targets = names.Select(n => GroupChecks.Find(Cfg, n)).DistinctBy(g => g.Uuid).ToList();
            if (targets.Any(t => t.Uuid == group.Uuid))
                throw GanetiException.WrongInput($"Group to be evacuated ({group.Name}) can not be used as a destination");
        }
        else
            targets = Cfg.Nodegroups.Values.Where(g => g.Uuid != group.Uuid && g.AllocPolicy != "unallocable").ToList();
        if (targets.Count == 0)
            throw GanetiException.WrongInput("There are no possible target groups");
        if (Allocator.Length == 0)
            throw GanetiException.WrongInput("No instance allocator given and the cluster has no default one");
        instances = Cfg.Instances.Values.Where(i => Cfg.InstanceNodes(i).Any(n => Cfg.Nodes[n].Group == group.Uuid))
            .Select(i => i.Name).Order(StringComparer.Ordinal).ToList();
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        if (instances.Count == 0)
        {
            Log($"Node group {group.Name} has no instances: nothing to evacuate");
            return ResultWithJobs([]);
        }
        var request = new JsonObject
        {
            ["type"] = "change-group",
            ["instances"] = new JsonArray(instances.Select(i => (JsonNode?)i).ToArray()),
            ["target_groups"] = new JsonArray(targets.Select(g => (JsonNode?)g.Uuid).ToArray()),
        };
        var result = await IAllocatorRunner.RunAsync(Master, Cfg, Allocator, request, ct).ConfigureAwait(false);
        var jobs = EvacuationJobs.FromAllocatorResult(result, Op.EarlyRelease, Log);
        Log($"Iallocator returned {jobs.Count} job(s) for evacuating node group {group.Name}");
        if (Op.ForceFailover)
        {
            Log("Will insist on failovers");
            jobs = jobs.Select(job => (IReadOnlyList<JsonObject>)job.Select(MigrateToFailover).ToList()).ToList();
        }
        if (Op.Sequential)
        {
            Log("Jobs will be submitted to run sequentially");
            foreach (var op in jobs.Skip(1).SelectMany(j => j))
                op["depends"] = new JsonArray(new JsonArray(-1, new JsonArray("error", "success")));
        }
        return ResultWithJobs(jobs);
    }

    private static JsonObject MigrateToFailover(JsonObject op)
    {
        if (op["OP_ID"]?.GetValue<string>() != OpInstanceMigrate.Id) return op;
        var failover = new JsonObject { ["OP_ID"] = OpInstanceFailover.Id };
        foreach (var key in new[] { "instance_name", "instance_uuid", "target_node", "target_node_uuid", "ignore_ipolicy", "cleanup" })
            if (op[key] is { } v) failover[key] = v.DeepClone();
        return failover;
    }
}
