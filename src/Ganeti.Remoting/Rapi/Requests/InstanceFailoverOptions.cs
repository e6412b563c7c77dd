using System.Text.Json.Nodes;

namespace Ganeti.Remoting.Rapi.Requests;

/// <summary>What gnt-instance failover takes (the body of <c>PUT /2/instances/I/failover</c>, OP_INSTANCE_FAILOVER's parameters).</summary>
public sealed record InstanceFailoverOptions
{
    public string? TargetNode { get; init; }
    public string? Iallocator { get; init; }
    /// <summary>Go on even when the instance cannot be stopped on its primary node or its disks are degraded.</summary>
    public bool IgnoreConsistency { get; init; }
    /// <summary>Seconds to wait for a clean shutdown on the primary (Ganeti's default 120).</summary>
    public int? ShutdownTimeout { get; init; }
    public bool IgnoreIpolicy { get; init; }

    internal JsonObject ToBody()
    {
        var body = new JsonObject();
        if (TargetNode is not null) body["target_node"] = TargetNode;
        if (Iallocator is not null) body["iallocator"] = Iallocator;
        if (IgnoreConsistency) body["ignore_consistency"] = true;
        if (ShutdownTimeout is { } t) body["shutdown_timeout"] = t;
        if (IgnoreIpolicy) body["ignore_ipolicy"] = true;
        return body;
    }
}
