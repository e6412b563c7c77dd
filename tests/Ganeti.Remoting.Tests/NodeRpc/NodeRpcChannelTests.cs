using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Remoting.Tests.NodeRpc;

public sealed class NodeRpcChannelTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    /// <summary>A node played by the test: reads request frames and writes whatever the test says.</summary>
    private sealed class ScriptedNode(PipePair pipes)
    {
        private readonly JsonLineReader reader = new(pipes.NodeInput, 1 << 20);

        public async Task<JsonObject> ReadAsync()
        {
            using var cts = new CancellationTokenSource(Long);
            var line = await reader.ReadFrameAsync(cts.Token) ?? throw new EndOfStreamException();
            return (JsonObject)JsonNode.Parse(line.Span)!;
        }

        public async Task WriteRawAsync(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            await pipes.NodeOutput.WriteAsync(bytes);
            await pipes.NodeOutput.FlushAsync();
        }

        public Task AnswerAsync(JsonObject request, JsonNode? result) =>
            WriteRawAsync(Encoding.UTF8.GetString(NodeRpcWire.Encode(NodeRpcWire.Success(request["id"]!.GetValue<long>(), result))));
    }

    [Fact]
    public async Task ACallReturnsTheNodesResult()
    {
        await using var pipes = new PipePair();
        var server = new NodeRpcServer("node1", (proc, args, _) => Task.FromResult<JsonNode?>(new JsonObject { ["proc"] = proc, ["echo"] = args?.DeepClone() }));
        var serving = server.RunAsync(pipes.NodeInput, pipes.NodeOutput, null, CancellationToken.None);
        await using var channel = new NodeRpcChannel("node1", pipes.CallerInput, pipes.CallerOutput);

        var result = await channel.CallAsync("version", new JsonObject { ["x"] = "a\nb \"c\" é" }, Long, CancellationToken.None);

        Assert.Equal("version", result!["proc"]!.GetValue<string>());
        Assert.Equal("a\nb \"c\" é", result["echo"]!["x"]!.GetValue<string>());
        Assert.Null(result.Parent);
    }

    [Fact]
    public async Task ManyCallsRunConcurrentlyOverOneConnection()
    {
        await using var pipes = new PipePair();
        var inFlight = 0;
        var maxInFlight = 0;
        var server = new NodeRpcServer("node1", async (_, args, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await Task.Delay(Random.Shared.Next(1, 40), ct);
            Interlocked.Decrement(ref inFlight);
            return args!["n"]!.DeepClone();
        });
        var serving = server.RunAsync(pipes.NodeInput, pipes.NodeOutput, null, CancellationToken.None);
        await using var channel = new NodeRpcChannel("node1", pipes.CallerInput, pipes.CallerOutput);

        var sw = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, 200).Select(async i =>
            (i, await channel.CallAsync("test", new JsonObject { ["n"] = i }, Long, CancellationToken.None))).ToList();
        foreach (var (i, result) in await Task.WhenAll(calls))
            Assert.Equal(i, result!.GetValue<int>());

        Assert.True(maxInFlight > 10, $"at most {maxInFlight} calls ran at once");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"200 calls of up to 40 ms took {sw.Elapsed}: not concurrent");
        Assert.Equal(0, channel.PendingCalls);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    [Fact]
    public async Task AnswersInAnotherOrderReachTheirOwnCallers()
    {
        await using var pipes = new PipePair();
        var node = new ScriptedNode(pipes);
        await using var channel = new NodeRpcChannel("node1", pipes.CallerInput, pipes.CallerOutput);

        var first = channel.CallAsync("a", null, Long, CancellationToken.None);
        var second = channel.CallAsync("b", null, Long, CancellationToken.None);
        var r1 = await node.ReadAsync();
        var r2 = await node.ReadAsync();
        var byProc = new[] { r1, r2 }.ToDictionary(r => r["procedure"]!.GetValue<string>());
        await node.AnswerAsync(byProc["b"], "answer-b");
        Assert.Equal("answer-b", (await second)!.GetValue<string>());
        Assert.False(first.IsCompleted);
        await node.AnswerAsync(byProc["a"], "answer-a");
        Assert.Equal("answer-a", (await first)!.GetValue<string>());
    }

    [Fact]
    public async Task NodeErrorsKeepTheirClassAndErrorCode()
    {
        await using var pipes = new PipePair();
        var server = new NodeRpcServer("node1", (proc, _, _) => proc == "prereq"
            ? throw GanetiException.Prereq("disk missing", ErrorCodes.Environment)
            : throw new InvalidOperationException("boom"));
        var serving = server.RunAsync(pipes.NodeInput, pipes.NodeOutput, null, CancellationToken.None);
        await using var channel = new NodeRpcChannel("node1", pipes.CallerInput, pipes.CallerOutput);

        var prereq = await Assert.ThrowsAsync<GanetiException>(() => channel.CallAsync("prereq", null, Long, CancellationToken.None));
        Assert.Equal("OpPrereqError", prereq.ErrorClass);
        Assert.Equal(ErrorCodes.Environment, prereq.Ecode);
        Assert.Equal("disk missing", prereq.Message);

        var other = await Assert.ThrowsAsync<GanetiException>(() => channel.CallAsync("other", null, Long, CancellationToken.None));
        Assert.Equal("OpExecError", other.ErrorClass);
        Assert.Contains("node1", other.Message);
        Assert.Contains("other failed: boom", other.Message);
        Assert.True(channel.IsOpen);
    }

    [Fact]
    public async Task ACallThatOutlivesItsTimeoutIsUnreachableAndTheNodeCancelsIt()
    {
        await using var pipes = new PipePair();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new NodeRpcServer("node1", async (proc, _, ct) =>
        {
            if (proc == "slow")
            {
                try { await Task.Delay(Timeout.Infinite, ct); }
                catch (OperationCanceledException) { cancelled.TrySetResult(); throw; }
            }
            return "fast";
        });
        var serving = server.RunAsync(pipes.NodeInput, pipes.NodeOutput, null, CancellationToken.None);
        await using var channel = new NodeRpcChannel("node1", pipes.CallerInput, pipes.CallerOutput);

        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<NodeUnreachableException>(() => channel.CallAsync("slow", null, TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), sw.Elapsed.ToString());
        Assert.Equal("node1", e.NodeName);
        Assert.Equal("slow", e.Procedure);
        Assert.Contains("no answer within 300 ms", e.Message);
        await cancelled.Task.WaitAsync(Long);
        Assert.Equal("fast", (await channel.CallAsync("quick", null, Long, CancellationToken.None))!.GetValue<string>());
    }

    [Fact]
    public async Task ACancelReadRightAfterItsRequestIsNotLost()
    {
        // Both frames are there at once: the cancel is read before the call has started running.
        var input = new MemoryStream();
        input.Write(NodeRpcWire.EncodeRequest(7, "slow", null));
        input.Write(NodeRpcWire.Encode(NodeRpcWire.Cancel(7)));
        input.Position = 0;
        var output = new MemoryStream();
        var server = new NodeRpcServer("node1", async (proc, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });
        await server.RunAsync(input, output, null, CancellationToken.None).WaitAsync(Long);
        Assert.Contains("slow was cancelled", System.Text.Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task TheCallersCancellationIsNotReportedAsATimeout()
    {
        await using var pipes = new PipePair();
        var node = new ScriptedNode(pipes);
        await using var channel = new NodeRpcChannel("node1", pipes.CallerInput, pipes.CallerOutput);
        using var cts = new CancellationTokenSource();

        var call = channel.CallAsync("slow", null, Long, cts.Token);
        var request = await node.ReadAsync();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        var cancel = await node.ReadAsync();
        Assert.Equal(request["id"]!.GetValue<long>(), cancel["id"]!.GetValue<long>());
        Assert.True(cancel["cancel"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ANodeThatNeverAnswersTimesOutInsteadOfHanging()
    {
        await using var pipes = new PipePair(); // nobody reads or writes the node's ends
        await using var channel = new NodeRpcChannel("node1", pipes.CallerInput, pipes.CallerOutput);

        var sw = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, 5).Select(_ => channel.CallAsync("x", null, TimeSpan.FromMilliseconds(200), CancellationToken.None)).ToList();
        foreach (var c in calls)
            await Assert.ThrowsAsync<NodeUnreachableException>(() => c);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), sw.Elapsed.ToString());
    }

    [Fact]
    public async Task AStuckPipeFailsTheCallWithinItsTimeout()
    {
        await using var pipes = new PipePair(); // nobody reads: the pipe buffer fills
        await using var channel = new NodeRpcChannel("node1", pipes.CallerInput, pipes.CallerOutput);
        var big = new JsonObject { ["blob"] = new string('x', 1 << 20) };

        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAsync<NodeUnreachableException>(() => channel.CallAsync("upload_file", big, TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), sw.Elapsed.ToString());
        Assert.False(channel.IsOpen); // half a frame may be on the wire: never reused
    }

    [Fact]
    public async Task ADeadNodeFailsEveryWaitingCallAtOnceWithTheReason()
    {
        await using var pipes = new PipePair();
        var node = new ScriptedNode(pipes);
        await using var channel = new NodeRpcChannel("node1", pipes.CallerInput, pipes.CallerOutput,
            new NodeRpcChannelOptions { DescribeLoss = _ => Task.FromResult<string?>("ssh failed (exit code 255): Connection reset") });

        var calls = Enumerable.Range(0, 3).Select(i => channel.CallAsync($"p{i}", null, Long, CancellationToken.None)).ToList();
        for (var i = 0; i < 3; i++) await node.ReadAsync();
        var sw = Stopwatch.StartNew();
        await pipes.NodeOutput.DisposeAsync(); // the node dies

        foreach (var c in calls)
        {
            var e = await Assert.ThrowsAsync<NodeUnreachableException>(() => c);
            Assert.Contains("connection closed before any answer", e.Message);
            Assert.Contains("Connection reset", e.Message);
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), sw.Elapsed.ToString());
        Assert.False(channel.IsOpen);
        var after = await Assert.ThrowsAsync<NodeUnreachableException>(() => channel.CallAsync("later", null, Long, CancellationToken.None));
        Assert.Contains("Connection reset", after.Message);
    }

    [Fact]
    public async Task StrayLinesFromTheNodeAreSkipped()
    {
        await using var pipes = new PipePair();
        var node = new ScriptedNode(pipes);
        await using var channel = new NodeRpcChannel("node1", pipes.CallerInput, pipes.CallerOutput);

        var call = channel.CallAsync("version", null, Long, CancellationToken.None);
        var request = await node.ReadAsync();
        await node.WriteRawAsync("Welcome to node1!\n\n{\"not\": \"a frame\"}\n");
        await node.AnswerAsync(request, 42);

        Assert.Equal(42, (await call)!.GetValue<int>());
        Assert.Equal(4, channel.FramesReceived);
    }

    [Fact]
    public async Task AnOversizedAnswerClosesTheConnection()
    {
        await using var pipes = new PipePair();
        var node = new ScriptedNode(pipes);
        await using var channel = new NodeRpcChannel("node1", pipes.CallerInput, pipes.CallerOutput, new NodeRpcChannelOptions { MaxFrameBytes = 1000 });

        var call = channel.CallAsync("version", null, Long, CancellationToken.None);
        await node.ReadAsync();
        _ = node.WriteRawAsync(new string('x', 200_000));

        var e = await Assert.ThrowsAsync<NodeUnreachableException>(() => call);
        Assert.Contains("longer than 1000 bytes", e.Message);
    }

    [Fact]
    public async Task ANodeEndsCleanlyAtEndOfInputAfterFinishingRunningCalls()
    {
        await using var pipes = new PipePair();
        var release = new TaskCompletionSource();
        var server = new NodeRpcServer("node1", async (_, _, _) => { await release.Task; return "done"; });
        var serving = server.RunAsync(pipes.NodeInput, pipes.NodeOutput, null, CancellationToken.None);
        var channel = new NodeRpcChannel("node1", pipes.CallerInput, pipes.CallerOutput);
        var node = new ScriptedNode(pipes);

        await pipes.CallerOutput.WriteAsync(NodeRpcWire.Encode(NodeRpcWire.Request(1, "work", null)));
        await pipes.CallerOutput.FlushAsync();
        await WaitUntilAsync(() => server.RunningCalls == 1);
        await pipes.CallerOutput.DisposeAsync(); // end of input while the call runs

        await Task.Delay(200);
        Assert.False(serving.IsCompleted);
        release.SetResult();
        await serving.WaitAsync(Long);
        await channel.DisposeAsync();
    }

    [Fact]
    public async Task TheNodeSkipsUnreadableRequestsAndAnswersOneWithoutAProcedure()
    {
        await using var pipes = new PipePair();
        var server = new NodeRpcServer("node1", (_, _, _) => Task.FromResult<JsonNode?>("ok"));
        var log = new StringWriter();
        var serving = server.RunAsync(pipes.NodeInput, pipes.NodeOutput, log, CancellationToken.None);
        var reader = new JsonLineReader(pipes.CallerInput, 1 << 20);

        await pipes.CallerOutput.WriteAsync(Encoding.UTF8.GetBytes("garbage\n{\"id\": 5}\n{\"id\": 6, \"procedure\": \"version\"}\n"));
        await pipes.CallerOutput.FlushAsync();
        var answers = new List<JsonObject>();
        for (var i = 0; i < 2; i++)
            answers.Add((JsonObject)JsonNode.Parse((await reader.ReadFrameAsync(CancellationToken.None))!.Value.Span)!);

        var bad = answers.Single(a => a["id"]!.GetValue<long>() == 5);
        Assert.False(bad["ok"]!.GetValue<bool>());
        Assert.Equal("ProgrammerError", bad["error"]![0]!.GetValue<string>());
        Assert.Equal("ok", answers.Single(a => a["id"]!.GetValue<long>() == 6)["result"]!.GetValue<string>());
        await pipes.CallerOutput.DisposeAsync();
        await serving.WaitAsync(Long);
        Assert.Contains("garbage", log.ToString());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Long;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException();
            await Task.Delay(10);
        }
    }
}
