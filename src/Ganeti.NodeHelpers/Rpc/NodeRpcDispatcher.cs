using System.Text.Json.Nodes;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Rpc;

/// <summary>
/// The node side of node RPC: a table of procedures. Each area (instances, storage, OS, node
/// info) registers its own procedures from its own file, so the table grows without one big switch.
/// </summary>
public sealed class NodeRpcDispatcher
{
    public delegate Task<JsonNode?> Procedure(JsonNode? args, CancellationToken cancellationToken);

    private readonly Dictionary<string, Procedure> procedures = new(StringComparer.Ordinal);

    public void Register(string name, Procedure procedure)
    {
        if (!procedures.TryAdd(name, procedure))
            throw new InvalidOperationException($"Node RPC procedure {name} registered twice");
    }

    public IReadOnlyCollection<string> Procedures => procedures.Keys;

    public Task<JsonNode?> DispatchAsync(string procedure, JsonNode? args, CancellationToken cancellationToken)
    {
        if (!procedures.TryGetValue(procedure, out var handler))
            throw new GanetiException("ProgrammerError", $"Unknown node RPC procedure '{procedure}'");
        return handler(args, cancellationToken);
    }
}
