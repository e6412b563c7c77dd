namespace Ganeti.NodeHelpers.Hypervisors.Kvm;

using Ganeti.Remoting.NodeRpc.Messages;

/// <summary>
/// What a running qemu was started from, saved as conf/&lt;name&gt;.runtime (Ganeti's KVM
/// runtime): the instance with its hvparams as they were at start, the taps, and the command
/// line. A migration target rebuilds the same machine from it, with its own node's paths.
/// </summary>
public sealed record KvmRuntime
{
    public int Version { get; init; } = 1;
    public required InstanceSpec Instance { get; init; }
    public IReadOnlyList<string> Taps { get; init; } = [];
    public IReadOnlyList<string> Command { get; init; } = [];
    /// <summary>Unix time the qemu process was started on this node.</summary>
    public double Started { get; init; }
    /// <summary>Set by the migration source: whether the guest ran before migration (the target resumes it then).</summary>
    public bool SourceWasRunning { get; init; } = true;
}
