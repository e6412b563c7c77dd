using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;

namespace Ganeti.Remoting.NodeRpc;

/// <summary>
/// The caller's end of one node RPC connection: requests with ids written to one stream,
/// answers read from the other by a single reader loop and matched by id, so any number of
/// calls can be in flight and answered in any order. A call that outlives its timeout fails
/// with <see cref="NodeUnreachableException"/> and the node is told to cancel it; when the
/// stream ends every waiting call fails at once. A closed channel stays closed: the owner
/// (e.g. <see cref="SshTransport"/>) opens a new one.
/// </summary>
public sealed class NodeRpcChannel : INodeTransport
{
    private readonly Stream output;
    private readonly NodeRpcChannelOptions options;
    private readonly ConcurrentDictionary<long, Pending> pending = new();
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly CancellationTokenSource readerStop = new();
    private readonly TaskCompletionSource<string> closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long nextId;
    private long framesReceived;
    private int junkFrames;
    private string? lastJunk;

    private sealed record Pending(string Procedure, TaskCompletionSource<JsonNode?> Answer);

    public NodeRpcChannel(string nodeName, Stream input, Stream output, NodeRpcChannelOptions? options = null)
    {
        NodeName = nodeName;
        this.output = output;
        this.options = options ?? new NodeRpcChannelOptions();
        Completion = Task.Run(() => ReadLoopAsync(input));
    }

    public string NodeName { get; }

    /// <summary>Ends when the connection is closed; its result is the reason.</summary>
    public Task<string> Closed => closed.Task;

    /// <summary>The reader loop; never faults.</summary>
    public Task Completion { get; }

    public bool IsOpen => !closed.Task.IsCompleted;

    /// <summary>Answers (and other frames) received; lets callers tell a silent peer from a slow call.</summary>
    public long FramesReceived => Interlocked.Read(ref framesReceived);

    /// <summary>Calls in flight.</summary>
    public int PendingCalls => pending.Count;

    public Task<JsonNode?> CallAsync(string procedure, JsonNode? args, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync(procedure, args, timeout, timeout, cancellationToken);

    /// <param name="reportedTimeout">The timeout the caller asked for, when part of it was spent before this call (connecting).</param>
    internal async Task<JsonNode?> CallAsync(string procedure, JsonNode? args, TimeSpan timeout, TimeSpan reportedTimeout,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(procedure);
        cancellationToken.ThrowIfCancellationRequested();
        if (closed.Task.IsCompleted)
            throw Unreachable(procedure, closed.Task.Result);
        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var id = Interlocked.Increment(ref nextId);
        var call = new Pending(procedure, new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously));
        pending[id] = call;
        // The connection may have closed between the check above and registering.
        if (closed.Task.IsCompleted && pending.TryRemove(id, out _))
            throw Unreachable(procedure, closed.Task.Result);
        var sent = false;
        try
        {
            await WriteAsync(NodeRpcWire.EncodeRequest(id, procedure, args), linked.Token).ConfigureAwait(false);
            sent = true;
            return await call.Answer.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            if (pending.TryRemove(id, out _) && sent)
                _ = SendCancelAsync(id);
            cancellationToken.ThrowIfCancellationRequested();
            throw Unreachable(procedure, $"no answer within {Seconds(reportedTimeout)}");
        }
        catch (IOException e)
        {
            throw Unreachable(procedure, closed.Task.IsCompleted ? closed.Task.Result : e.Message);
        }
        finally
        {
            pending.TryRemove(id, out _);
        }
    }

    private async Task WriteAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (closed.Task.IsCompleted) throw new IOException(closed.Task.Result);
            // Past this point a cancelled write could leave half a frame on the wire: the
            // connection is unusable then and is closed.
            await output.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            var reason = e is OperationCanceledException ? "sending a request took too long" : $"sending failed: {e.Message}";
            await CloseAsync(reason, describe: e is not OperationCanceledException).ConfigureAwait(false);
            if (e is OperationCanceledException) throw;
            throw new IOException(closed.Task.Result, e);
        }
        finally
        {
            writeLock.Release();
        }
    }

    private async Task SendCancelAsync(long id)
    {
        if (closed.Task.IsCompleted) return;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await WriteAsync(NodeRpcWire.Encode(NodeRpcWire.Cancel(id)), cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The connection is gone or stuck; it has been closed and the next call will say so.
        }
    }

    private async Task ReadLoopAsync(Stream input)
    {
        var reader = new JsonLineReader(input, options.MaxFrameBytes);
        string reason;
        try
        {
            while (true)
            {
                var line = await reader.ReadFrameAsync(readerStop.Token).ConfigureAwait(false);
                if (line is null)
                {
                    reason = reader.TrailingBytes > 0 ? "connection lost in the middle of an answer"
                        : FramesReceived == 0 ? "connection closed before any answer" : "connection lost";
                    break;
                }
                Interlocked.Increment(ref framesReceived);
                Dispatch(line.Value.Span);
            }
        }
        catch (OperationCanceledException)
        {
            reason = "connection closed";
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException)
        {
            reason = $"connection broken: {e.Message}";
        }
        await CloseAsync(reason, describe: true).ConfigureAwait(false);
    }

    private void Dispatch(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty) return;
        var decoded = NodeRpcWire.Decode(line);
        if (decoded is not var (id, frame))
        {
            Interlocked.Increment(ref junkFrames);
            lastJunk = NodeRpcWire.Preview(line);
            return;
        }
        if (!pending.TryRemove(id, out var call)) return; // timed out or cancelled meanwhile
        if (frame["ok"] is JsonValue ok && ok.TryGetValue<bool>(out var isOk) && isOk)
        {
            var result = frame["result"];
            frame.Remove("result"); // detach, so the caller owns a parentless node
            call.Answer.TrySetResult(result);
        }
        else
        {
            call.Answer.TrySetException(GanetiException.FromWire(frame["error"])
                ?? GanetiException.Exec($"Node {NodeName}: malformed error answer to {call.Procedure}: {NodeRpcWire.Preview(line)}"));
        }
    }

    private async Task CloseAsync(string reason, bool describe)
    {
        if (closed.Task.IsCompleted) return;
        if (describe && options.DescribeLoss is { } describeLoss)
        {
            try
            {
                using var cts = new CancellationTokenSource(options.DescribeLossTimeout);
                var detail = await describeLoss(cts.Token).WaitAsync(cts.Token).ConfigureAwait(false);
                if (!string.IsNullOrWhiteSpace(detail)) reason = $"{reason}; {detail.Trim()}";
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                // Without the detail the reason still stands.
            }
        }
        if (junkFrames > 0)
            reason += $" ({junkFrames} unreadable line(s) from the node, last: {lastJunk})";
        if (!closed.TrySetResult(reason)) return;
        foreach (var id in pending.Keys)
            if (pending.TryRemove(id, out var call))
                call.Answer.TrySetException(Unreachable(call.Procedure, reason));
    }

    private NodeUnreachableException Unreachable(string procedure, string reason) => new(NodeName, procedure, reason);

    internal static string Seconds(TimeSpan t) => t.TotalSeconds < 1 ? $"{t.TotalMilliseconds:0} ms" : $"{t.TotalSeconds:0.#} s";

    /// <summary>Closes the connection: the output stream is closed (the node sees end of input) and waiting calls fail.</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync("connection closed by the caller", describe: false).ConfigureAwait(false);
        try
        {
            await output.DisposeAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Already broken.
        }
        readerStop.Cancel();
        try
        {
            await Completion.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A read that ignores cancellation; the stream's owner closes it.
        }
    }
}
