namespace Ganeti.Remoting.NodeRpc;

/// <summary>Settings of a <see cref="NodeRpcChannel"/>.</summary>
public sealed record NodeRpcChannelOptions
{
    /// <summary>The largest answer accepted; a larger one closes the connection.</summary>
    public int MaxFrameBytes { get; init; } = NodeRpcWire.DefaultMaxFrameBytes;

    /// <summary>
    /// Called once when the node's stream ends, to say why (an SSH client's exit code and
    /// stderr); its text goes into the error of every call that was waiting.
    /// </summary>
    public Func<CancellationToken, Task<string?>>? DescribeLoss { get; init; }

    /// <summary>How long <see cref="DescribeLoss"/> may take before the calls fail without it.</summary>
    public TimeSpan DescribeLossTimeout { get; init; } = TimeSpan.FromSeconds(3);
}
