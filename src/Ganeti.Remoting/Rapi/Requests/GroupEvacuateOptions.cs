using System.Text.Json.Nodes;

namespace Ganeti.Remoting.Rapi.Requests;

/// <summary>What gnt-group evacuate takes (OP_GROUP_EVACUATE's parameters, the body of <c>POST /2/groups/G/evacuate</c>).</summary>
public sealed record GroupEvacuateOptions
{
    /// <summary>Groups (names or UUIDs) the instances may go to; empty: every other group that takes allocations.</summary>
    public IReadOnlyList<string> TargetGroups { get; init; } = [];
    /// <summary>The instance allocator that plans the moves; null: the cluster's default.</summary>
    public string? Iallocator { get; init; }
    /// <summary>Release locks early during disk replacements.</summary>
    public bool EarlyRelease { get; init; }
    /// <summary>Run the moves one after another instead of all at once.</summary>
    public bool Sequential { get; init; }
    /// <summary>Fail instances over instead of migrating them.</summary>
    public bool ForceFailover { get; init; }

    internal JsonObject ToBody()
    {
        var body = new JsonObject();
        if (TargetGroups.Count > 0)
            body["target_groups"] = new JsonArray(TargetGroups.Select(g => (JsonNode?)JsonValue.Create(g)).ToArray());
        if (Iallocator is not null) body["iallocator"] = Iallocator;
        if (EarlyRelease) body["early_release"] = true;
        if (Sequential) body["sequential"] = true;
        if (ForceFailover) body["force_failover"] = true;
        return body;
    }
}
