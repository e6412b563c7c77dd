using System.Text.Json.Nodes;

namespace Ganeti.Remoting.Rapi.Requests;

/// <summary>What gnt-instance migrate takes (the body of <c>PUT /2/instances/I/migrate</c>, OP_INSTANCE_MIGRATE's parameters).</summary>
public sealed record InstanceMigrateOptions
{
    /// <summary>True for live, false for non-live; null lets the instance's migration_mode decide.</summary>
    public bool? Live { get; init; }
    public string? TargetNode { get; init; }
    public string? Iallocator { get; init; }
    /// <summary>Repair an interrupted migration instead of starting one.</summary>
    public bool Cleanup { get; init; }
    /// <summary>Fail over instead when the instance cannot be migrated.</summary>
    public bool AllowFailover { get; init; }
    /// <summary>False forbids ballooning the instance's memory to fit the target.</summary>
    public bool? AllowRuntimeChanges { get; init; }
    public bool IgnoreIpolicy { get; init; }

    internal JsonObject ToBody()
    {
        var body = new JsonObject();
        if (Live is { } live) body["mode"] = live ? "live" : "non-live";
        if (TargetNode is not null) body["target_node"] = TargetNode;
        if (Iallocator is not null) body["iallocator"] = Iallocator;
        if (Cleanup) body["cleanup"] = true;
        if (AllowFailover) body["allow_failover"] = true;
        if (AllowRuntimeChanges is { } arc) body["allow_runtime_changes"] = arc;
        if (IgnoreIpolicy) body["ignore_ipolicy"] = true;
        return body;
    }
}
