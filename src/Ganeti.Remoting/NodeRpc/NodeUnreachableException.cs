using Ganeti.Core.Errors;

namespace Ganeti.Remoting.NodeRpc;

/// <summary>The node did not answer: connection failed, dropped, or the call timed out.</summary>
public sealed class NodeUnreachableException(string nodeName, string procedure, string reason, Exception? inner = null)
    : GanetiException("OpExecError", $"Node {nodeName} did not answer {procedure}: {reason}", ErrorCodes.Environment, inner)
{
    public string NodeName { get; } = nodeName;
    public string Procedure { get; } = procedure;
}
