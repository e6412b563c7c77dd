using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Hypervisors.Kvm;

/// <summary>How a node runs its kvm instances; the defaults suit a real node.</summary>
public sealed record KvmHypervisorOptions
{
    /// <summary>
    /// Put in front of every program the driver runs (qemu, ip): for example
    /// ["ip", "netns", "exec", "node1"] when the node is a network namespace in a test lab.
    /// </summary>
    public IReadOnlyList<string> CommandPrefix { get; init; } = [];

    /// <summary>How long qemu may take to start and daemonize.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for a QMP greeting or answer.</summary>
    public TimeSpan QmpTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a soft reboot waits for the guest to power off before it is stopped hard.</summary>
    public TimeSpan RebootShutdownTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Node memory and CPU facts; read from /proc when null.</summary>
    public Func<HvNodeInfo>? NodeInfo { get; init; }
}
