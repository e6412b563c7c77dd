using System.Text.Json.Nodes;

namespace Ganeti.Remoting.NodeRpc;

/// <summary>The node side of node RPC: runs one procedure with its JSON arguments.</summary>
public delegate Task<JsonNode?> NodeRpcHandler(string procedure, JsonNode? args, CancellationToken cancellationToken);
