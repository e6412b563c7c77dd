using System.Text.Json.Nodes;

namespace Ganeti.Remoting.NodeRpc;

/// <summary>
/// A channel to one node's RPC dispatcher. Implementations: in-process (the embedded single
/// node) and SSH (a long-lived `ganetid node --stdio` per node). A call either returns the
/// procedure's payload or throws: <see cref="Ganeti.Core.Errors.GanetiException"/> when the node
/// reported a failure, <see cref="NodeUnreachableException"/> when it could not be reached or
/// did not answer within the timeout.
/// </summary>
public interface INodeTransport : IAsyncDisposable
{
    /// <summary>The node's name, for error messages.</summary>
    string NodeName { get; }

    Task<JsonNode?> CallAsync(string procedure, JsonNode? args, TimeSpan timeout, CancellationToken cancellationToken);
}
