using System.IO.Pipes;

namespace Ganeti.Remoting.Tests.NodeRpc;

/// <summary>Two OS pipes, one each way, as ssh gives the master: the caller's ends and the node's ends.</summary>
public sealed class PipePair : IAsyncDisposable
{
    private readonly AnonymousPipeServerStream toNode = new(PipeDirection.Out);
    private readonly AnonymousPipeServerStream fromNode = new(PipeDirection.In);

    public PipePair()
    {
        NodeInput = new AnonymousPipeClientStream(PipeDirection.In, toNode.ClientSafePipeHandle);
        NodeOutput = new AnonymousPipeClientStream(PipeDirection.Out, fromNode.ClientSafePipeHandle);
    }

    /// <summary>What the caller writes requests to.</summary>
    public Stream CallerOutput => toNode;

    /// <summary>What the caller reads answers from.</summary>
    public Stream CallerInput => fromNode;

    public Stream NodeInput { get; }

    public Stream NodeOutput { get; }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in new Stream[] { toNode, fromNode, NodeInput, NodeOutput })
        {
            try { await s.DisposeAsync(); } catch (IOException) { }
        }
    }
}
