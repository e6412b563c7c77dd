using System.Text.Json.Nodes;

namespace Ganeti.Remoting.Rapi.Requests;

/// <summary>What gnt-instance move takes (OP_INSTANCE_MOVE's parameters; submitted through <c>POST /2/jobs</c>).</summary>
public sealed record InstanceMoveOptions
{
    public required string TargetNode { get; init; }
    /// <summary>Go on even when the instance cannot be stopped on its primary node.</summary>
    public bool IgnoreConsistency { get; init; }
    /// <summary>Seconds to wait for a clean shutdown on the primary (Ganeti's default 120).</summary>
    public int? ShutdownTimeout { get; init; }
    /// <summary>Compression of the disk copy: none or a tool the cluster allows (gzip, ...).</summary>
    public string? Compress { get; init; }
    public bool IgnoreIpolicy { get; init; }

    internal JsonObject ToBody()
    {
        var body = new JsonObject { ["target_node"] = TargetNode };
        if (IgnoreConsistency) body["ignore_consistency"] = true;
        if (ShutdownTimeout is { } t) body["shutdown_timeout"] = t;
        if (Compress is not null) body["compress"] = Compress;
        if (IgnoreIpolicy) body["ignore_ipolicy"] = true;
        return body;
    }
}
