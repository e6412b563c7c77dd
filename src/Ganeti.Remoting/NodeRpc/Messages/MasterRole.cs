namespace Ganeti.Remoting.NodeRpc.Messages;

/// <summary>
/// A node's vote in a master failover (master_info): which node it believes is the master, and
/// how new its copies of the configuration and job queue are (master candidates hold them).
/// </summary>
public sealed record MasterInfo
{
    public required string NodeName { get; init; }

    /// <summary>The master according to this node's configuration copy, else its ssconf; "" when it has neither.</summary>
    public string MasterNode { get; init; } = "";

    /// <summary>serial_no of this node's config.data; null when it holds none (not a master candidate).</summary>
    public long? ConfigSerial { get; init; }

    /// <summary>The highest job id in this node's copy of the queue.</summary>
    public long QueueSerial { get; init; }
}

/// <summary>
/// A candidate's copies of the cluster's state (master_state_read), taken by a new master whose
/// own copies are older: config.data and every queue file not archived, base64-encoded.
/// </summary>
public sealed record MasterState
{
    public required string ConfigData { get; init; }
    public Dictionary<string, string> QueueFiles { get; init; } = [];
}

/// <summary>The master IP as the node needs it to add or remove it.</summary>
public sealed record MasterIpSpec
{
    public required string Ip { get; init; }
    public required int Netmask { get; init; }
    public required string Netdev { get; init; }
}
