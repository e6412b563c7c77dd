using Ganeti.Master.Rpc;

namespace Ganeti.Master;

/// <summary>Tunables of a master daemon; the defaults suit a real cluster.</summary>
public sealed record MasterOptions
{
    /// <summary>SSH access to the nodes (cluster key, known_hosts); null when no node is reached over SSH.</summary>
    public NodeSsh? Ssh { get; init; }

    /// <summary>How long one node may take to take one replicated file before it counts as missed.</summary>
    public TimeSpan ReplicationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long node add and node online wait for a node's answers to their checks.</summary>
    public TimeSpan NodeCheckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Why jobs found running when the queue is loaded are aborted: a restart, or a master failover.</summary>
    public string InterruptedJobMessage { get; init; } = Jobs.JobQueue.RestartMessage;

    /// <summary>How often the watcher restarts instances that should run and do not; null: never.</summary>
    public TimeSpan? WatcherInterval { get; init; } = TimeSpan.FromMinutes(5);
}
