namespace Ganeti.Remoting.NodeRpc.Messages;

/// <summary>The answer to node_info: what the node is, what its hypervisors offer, its storage and its clock.</summary>
public sealed record NodeInfoResult
{
    public string Name { get; init; } = "";

    /// <summary>Facts of each hypervisor asked for that this node has; one it lacks is absent.</summary>
    public Dictionary<string, HvNodeInfo> Hypervisors { get; init; } = [];

    public string? BootId { get; init; }

    /// <summary>Total and free MiB of the node's default storage unit, when it has one.</summary>
    public long? StorageTotal { get; init; }

    public long? StorageFree { get; init; }

    /// <summary>Why the storage unit asked about could not be measured, when it could not.</summary>
    public string? StorageError { get; init; }

    /// <summary>The node's clock (seconds since the epoch) when it answered, for the master's skew check (Ganeti's NV_TIME).</summary>
    public double? Time { get; init; }
}
