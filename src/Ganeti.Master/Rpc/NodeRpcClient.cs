using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Json;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.Rpc;

/// <summary>
/// The master's side of node RPC: one transport per node (kept open), single calls with the
/// procedure's timeout, and calls to many nodes in parallel where each node's answer or failure
/// is reported separately.
/// </summary>
public sealed class NodeRpcClient(Func<Node, INodeTransport> transportFactory) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, INodeTransport> transports = new(StringComparer.Ordinal);

    private INodeTransport Transport(Node node) => transports.GetOrAdd(node.Uuid, _ => transportFactory(node));

    /// <summary>Calls one procedure on one node; throws when the node fails or does not answer.</summary>
    public Task<JsonNode?> CallAsync(Node node, string procedure, object? args, CancellationToken cancellationToken,
        TimeSpan? timeout = null)
    {
        if (node.Offline)
            throw new GanetiException("OpExecError", $"Node {node.Name} is marked offline", ErrorCodes.Environment);
        var payload = args is null ? null : args as JsonNode ?? GanetiJson.ToNode(args);
        return Transport(node).CallAsync(procedure, payload, timeout ?? NodeProcedures.TimeoutFor(procedure), cancellationToken);
    }

    /// <summary>Calls and converts the result to <typeparamref name="T"/>.</summary>
    public async Task<T> CallAsync<T>(Node node, string procedure, object? args, CancellationToken cancellationToken,
        TimeSpan? timeout = null)
    {
        var result = await CallAsync(node, procedure, args, cancellationToken, timeout).ConfigureAwait(false);
        try
        {
            return result.Deserialize<T>(GanetiJson.Options)!;
        }
        catch (JsonException e)
        {
            throw GanetiException.Exec($"Node {node.Name} sent a malformed answer to {procedure}: {e.Message}");
        }
    }

    /// <summary>Calls the same procedure on many nodes in parallel; offline nodes are reported, not called.</summary>
    public async Task<IReadOnlyDictionary<string, NodeAnswer>> CallManyAsync(IEnumerable<Node> nodes, string procedure,
        object? args, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var list = nodes.ToList();
        var tasks = list.Select(async n =>
        {
            if (n.Offline) return (n.Uuid, new NodeAnswer(null, null, Offline: true));
            try
            {
                return (n.Uuid, new NodeAnswer(await CallAsync(n, procedure, args, cancellationToken, timeout)
                    .ConfigureAwait(false), null));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return (n.Uuid, new NodeAnswer(null, e));
            }
        });
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);
        return results.ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
    }

    /// <summary>Forgets a node's transport (after removal or a broken connection).</summary>
    public async Task DropAsync(string nodeUuid)
    {
        if (transports.TryRemove(nodeUuid, out var t))
            await t.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var t in transports.Values)
            await t.DisposeAsync().ConfigureAwait(false);
        transports.Clear();
    }
}

/// <summary>One node's answer in a multi-node call.</summary>
public sealed record NodeAnswer(JsonNode? Payload, Exception? Error, bool Offline = false)
{
    public bool Ok => Error is null && !Offline;
}
