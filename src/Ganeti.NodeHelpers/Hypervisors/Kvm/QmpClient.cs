using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Ganeti.NodeHelpers.Hypervisors.Kvm;

/// <summary>
/// A small asynchronous client of the QEMU Machine Protocol over a unix socket: reads the
/// greeting, negotiates capabilities, runs commands (matched to answers by id) and delivers
/// events in order. qemu serves one client per QMP socket at a time, so connections are
/// short-lived for commands; a long-lived one on a second socket listens for events.
/// </summary>
public sealed class QmpClient : IAsyncDisposable
{
    private readonly Socket socket;
    private readonly NetworkStream stream;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonNode?>> pending = new();
    private readonly Channel<QmpEvent> events = Channel.CreateUnbounded<QmpEvent>(new UnboundedChannelOptions { SingleReader = false });
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly CancellationTokenSource closing = new();
    private readonly TaskCompletionSource<JsonObject> greeting = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? readLoop;
    private long nextId;
    private Exception? failure;

    private QmpClient(Socket socket, string path)
    {
        this.socket = socket;
        stream = new NetworkStream(socket, ownsSocket: true);
        SocketPath = path;
    }

    public string SocketPath { get; }

    /// <summary>The "QMP" object of qemu's greeting (version, capabilities).</summary>
    public JsonObject Greeting { get; private set; } = [];

    /// <summary>qemu's version from the greeting, e.g. 7.2.22.</summary>
    public Version QemuVersion
    {
        get
        {
            var q = Greeting["version"]?["qemu"];
            return new Version(q?["major"]?.GetValue<int>() ?? 0, q?["minor"]?.GetValue<int>() ?? 0, q?["micro"]?.GetValue<int>() ?? 0);
        }
    }

    /// <summary>Events in the order qemu sent them; completes when the connection closes.</summary>
    public ChannelReader<QmpEvent> Events => events.Reader;

    /// <summary>Completes when qemu closes the connection (for example because it exited).</summary>
    public Task Completion => readLoop ?? Task.CompletedTask;

    /// <summary>Connects, waits for the greeting and enters command mode (qmp_capabilities).</summary>
    public static async Task<QmpClient> ConnectAsync(string socketPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        QmpClient? client = null;
        try
        {
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cts.Token);
            }
            catch (SocketException e)
            {
                throw new QmpException($"Cannot connect to the QMP socket {socketPath}: {e.Message}", null, e);
            }
            client = new QmpClient(socket, socketPath);
            client.readLoop = Task.Run(client.ReadLoopAsync, CancellationToken.None);
            try
            {
                client.Greeting = await client.greeting.Task.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new QmpException(
                    $"No QMP greeting on {socketPath} within {timeout.TotalSeconds:0.#} s (qemu hung, or another client holds the monitor)");
            }
            await client.ExecuteAsync("qmp_capabilities", null, cts.Token);
            var c = client;
            client = null;
            return c;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new QmpException($"QMP socket {socketPath} did not answer within {timeout.TotalSeconds:0.#} s");
        }
        finally
        {
            if (client is not null) await client.DisposeAsync();
            else if (!socket.Connected) socket.Dispose();
        }
    }

    /// <summary>Runs one command and returns its "return" value; a QMP error becomes a <see cref="QmpException"/>.</summary>
    public async Task<JsonNode?> ExecuteAsync(string command, JsonObject? arguments = null, CancellationToken cancellationToken = default)
    {
        if (failure is not null)
            throw new QmpException($"QMP connection to {SocketPath} is closed: {failure.Message}", null, failure);
        var id = Interlocked.Increment(ref nextId);
        var tcs = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = tcs;
        var message = new JsonObject { ["execute"] = command, ["id"] = id };
        if (arguments is not null) message["arguments"] = arguments;
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString() + "\n");
        try
        {
            await writeLock.WaitAsync(cancellationToken);
            try
            {
                await stream.WriteAsync(bytes, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }
            finally
            {
                writeLock.Release();
            }
        }
        catch (IOException e)
        {
            pending.TryRemove(id, out _);
            throw new QmpException($"QMP command {command} could not be sent on {SocketPath}: {e.Message}", null, e);
        }
        try
        {
            return await tcs.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            pending.TryRemove(id, out _);
        }
    }

    /// <summary>Waits for the next event matching a predicate, skipping others.</summary>
    public async Task<QmpEvent> WaitForEventAsync(Func<QmpEvent, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            while (await events.Reader.WaitToReadAsync(cts.Token))
                while (events.Reader.TryRead(out var e))
                    if (match(e)) return e;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No matching QMP event on {SocketPath} within {timeout.TotalSeconds:0.#} s");
        }
        throw new QmpException($"QMP connection to {SocketPath} closed while waiting for an event");
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        try
        {
            while (!closing.IsCancellationRequested)
            {
                var n = await stream.ReadAsync(buffer, closing.Token);
                if (n == 0) break;
                var start = 0;
                for (var i = 0; i < n; i++)
                {
                    if (buffer[i] != (byte)'\n') continue;
                    line.Write(buffer, start, i - start);
                    start = i + 1;
                    Dispatch(line.ToArray());
                    line.SetLength(0);
                }
                line.Write(buffer, start, n - start);
            }
            failure ??= new IOException("qemu closed the connection");
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            failure ??= e;
        }
        finally
        {
            greeting.TrySetException(new QmpException($"QMP socket {SocketPath} closed before the greeting"));
            foreach (var (_, tcs) in pending)
                tcs.TrySetException(new QmpException($"QMP connection to {SocketPath} closed: {failure?.Message}", null, failure));
            events.Writer.TryComplete();
        }
    }

    private void Dispatch(byte[] raw)
    {
        if (raw.Length == 0) return;
        JsonObject? msg;
        try
        {
            msg = JsonNode.Parse(raw) as JsonObject;
        }
        catch (JsonException)
        {
            return;
        }
        if (msg is null) return;
        if (msg["QMP"] is JsonObject g)
        {
            greeting.TrySetResult((JsonObject)g.DeepClone());
            return;
        }
        if (msg["event"] is JsonValue ev)
        {
            var ts = msg["timestamp"];
            var when = ts is null
                ? DateTimeOffset.UtcNow
                : DateTimeOffset.FromUnixTimeMilliseconds(ts["seconds"]!.GetValue<long>() * 1000 + ts["microseconds"]!.GetValue<long>() / 1000);
            events.Writer.TryWrite(new QmpEvent(ev.GetValue<string>(), msg["data"]?.DeepClone() as JsonObject, when));
            return;
        }
        if (msg["id"] is not JsonValue idv || !idv.TryGetValue<long>(out var id) || !pending.TryGetValue(id, out var tcs))
            return;
        if (msg["error"] is JsonObject err)
            tcs.TrySetException(new QmpException(
                err["desc"]?.GetValue<string>() ?? err.ToJsonString(), err["class"]?.GetValue<string>()));
        else
            tcs.TrySetResult(msg["return"]?.DeepClone());
    }

    public async ValueTask DisposeAsync()
    {
        closing.Cancel();
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        await stream.DisposeAsync();
        if (readLoop is not null)
            await readLoop.ConfigureAwait(false);
        closing.Dispose();
        writeLock.Dispose();
    }
}
