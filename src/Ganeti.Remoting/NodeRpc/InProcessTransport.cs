using System.Text.Json.Nodes;
using Ganeti.Core.Errors;

namespace Ganeti.Remoting.NodeRpc;

/// <summary>
/// Calls a node dispatcher in this process. Arguments and results still go through their JSON
/// form, so that what works here works over SSH as well.
/// </summary>
public sealed class InProcessTransport(string nodeName, NodeRpcHandler handler) : INodeTransport
{
    public string NodeName { get; } = nodeName;

    public async Task<JsonNode?> CallAsync(string procedure, JsonNode? args, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var argsCopy = args?.DeepClone();
        try
        {
            var result = await handler(procedure, argsCopy, cts.Token).WaitAsync(cts.Token).ConfigureAwait(false);
            return result?.DeepClone();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NodeUnreachableException(NodeName, procedure, $"no answer within {timeout.TotalSeconds:0.#} s");
        }
        catch (GanetiException)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw GanetiException.Exec($"Node {NodeName}: {procedure} failed: {e.Message}", e);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
