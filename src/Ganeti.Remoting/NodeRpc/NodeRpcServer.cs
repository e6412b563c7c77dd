using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;

namespace Ganeti.Remoting.NodeRpc;

/// <summary>
/// The node's end of a node RPC connection (`ganetid node --stdio`): reads request frames,
/// runs each on the handler concurrently and writes the answers as they finish, in whatever
/// order that is. At the end of input it lets running calls finish (an instance half-created
/// is worse than an answer nobody reads) and then returns.
/// </summary>
public sealed class NodeRpcServer(string nodeName, NodeRpcHandler handler, int maxFrameBytes = NodeRpcWire.DefaultMaxFrameBytes)
{
    private readonly ConcurrentDictionary<long, CancellationTokenSource> running = new();
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private volatile bool outputBroken;

    /// <summary>Calls currently running.</summary>
    public int RunningCalls => running.Count;

    /// <summary>Serves until the input ends (then waits for running calls) or <paramref name="stop"/> cancels them.</summary>
    /// <param name="diagnostics">Where to report unreadable frames (the node's stderr); may be null.</param>
    public async Task RunAsync(Stream input, Stream output, TextWriter? diagnostics, CancellationToken stop)
    {
        var reader = new JsonLineReader(input, maxFrameBytes);
        var calls = new List<Task>();
        try
        {
            while (true)
            {
                ReadOnlyMemory<byte>? line;
                try
                {
                    line = await reader.ReadFrameAsync(stop).ConfigureAwait(false);
                }
                catch (InvalidDataException e)
                {
                    diagnostics?.WriteLine($"node rpc: {e.Message}; closing");
                    break;
                }
                if (line is null) break;
                if (line.Value.IsEmpty) continue;
                if (NodeRpcWire.Decode(line.Value.Span) is not var (id, frame))
                {
                    diagnostics?.WriteLine($"node rpc: ignoring unreadable frame: {NodeRpcWire.Preview(line.Value.Span)}");
                    continue;
                }
                if (frame["cancel"] is JsonValue c && c.TryGetValue<bool>(out var cancel) && cancel)
                {
                    if (running.TryGetValue(id, out var cts))
                    {
                        try { cts.Cancel(); }
                        catch (ObjectDisposedException) { } // the call ended meanwhile
                    }
                    continue;
                }
                calls.RemoveAll(t => t.IsCompleted);
                // Registered here, before the call starts, so that a cancel read next always finds it.
                var callCts = CancellationTokenSource.CreateLinkedTokenSource(stop);
                if (!running.TryAdd(id, callCts))
                {
                    callCts.Dispose();
                    calls.Add(WriteAsync(output, NodeRpcWire.Failure(id, GanetiException.Program($"Node {nodeName}: request id {id} is already running"))));
                    continue;
                }
                calls.Add(RunCallAsync(id, frame, output, callCts));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: the running calls see the same token.
        }
        catch (IOException e)
        {
            diagnostics?.WriteLine($"node rpc: input broken: {e.Message}");
        }
        await Task.WhenAll(calls).ConfigureAwait(false);
    }

    private async Task RunCallAsync(long id, JsonObject frame, Stream output, CancellationTokenSource cts)
    {
        await Task.Yield(); // never run a procedure on the reader loop
        JsonObject answer;
        string procedure = "?";
        try
        {
            if (frame["procedure"] is not JsonValue p || !p.TryGetValue<string>(out var name) || name.Length == 0)
                throw GanetiException.Program($"Node {nodeName}: request {id} names no procedure");
            procedure = name;
            var args = frame["args"];
            frame.Remove("args");
            answer = NodeRpcWire.Success(id, await handler(procedure, args, cts.Token).ConfigureAwait(false));
        }
        catch (GanetiException e)
        {
            answer = NodeRpcWire.Failure(id, e);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            answer = NodeRpcWire.Failure(id, GanetiException.Exec($"Node {nodeName}: {procedure} was cancelled"));
        }
        catch (Exception e)
        {
            answer = NodeRpcWire.Failure(id, GanetiException.Exec($"Node {nodeName}: {procedure} failed: {e.Message}"));
        }
        finally
        {
            running.TryRemove(id, out _);
            cts.Dispose();
        }
        await WriteAsync(output, answer).ConfigureAwait(false);
    }

    private async Task WriteAsync(Stream output, JsonObject answer)
    {
        byte[] bytes;
        try
        {
            bytes = NodeRpcWire.Encode(answer);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            var id = answer["id"]!.GetValue<long>();
            bytes = NodeRpcWire.Encode(NodeRpcWire.Failure(id, GanetiException.Program($"Node {nodeName}: answer cannot be encoded: {e.Message}")));
        }
        await writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (outputBroken) return;
            await output.WriteAsync(bytes).ConfigureAwait(false);
            await output.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            outputBroken = true; // the caller is gone; nobody can be told
        }
        finally
        {
            writeLock.Release();
        }
    }
}
