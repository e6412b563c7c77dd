using System.Diagnostics;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Remoting.NodeRpc;
using Xunit.Abstractions;

namespace Ganeti.Daemon.Tests.Lab;

/// <summary>Node RPC over real OpenSSH to the lab's nodes, each in its own network namespace.</summary>
[Collection(LabCollection.Name)]
public sealed class SshTransportLabTests(LabFixture lab, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Urgent = TimeSpan.FromSeconds(30);
    private readonly List<SshTransport> transports = [];

    public Task InitializeAsync() => lab.HealAsync();

    public async Task DisposeAsync()
    {
        foreach (var t in transports) await t.DisposeAsync();
        await lab.HealAsync();
    }

    private SshTransport Open(int number, SshTransportOptions? options = null)
    {
        var t = lab.Transport(number, options);
        transports.Add(t);
        return t;
    }

    private static JsonObject Delay(double seconds) => new() { ["duration"] = seconds };

    [Fact]
    public async Task VersionAndNodeInfoRoundTripOnEveryNode()
    {
        foreach (var node in lab.Nodes)
        {
            var t = Open(node.Number);
            var version = await t.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None);
            Assert.Equal(node.Name, version!["node"]!.GetValue<string>());
            Assert.Equal(Core.ProjectInfo.Version, version["version"]!.GetValue<string>());

            var info = await t.CallAsync(NodeProcedures.NodeInfo, new JsonObject { ["hypervisors"] = new JsonArray("fake") }, Urgent, CancellationToken.None);
            Assert.Equal(node.Name, info!["name"]!.GetValue<string>());
            Assert.True(info["hypervisors"]!["fake"]!["memory_total"]!.GetValue<long>() > 0);
            Assert.Equal(1, t.ConnectionsOpened);
        }
    }

    [Fact]
    public async Task ParallelCallsToAllNodesShareOneConnectionPerNode()
    {
        var all = lab.Nodes.Select(n => Open(n.Number)).ToList();
        await Task.WhenAll(all.Select(t => t.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None))); // connect

        var sw = Stopwatch.StartNew();
        var calls = all.SelectMany(t => Enumerable.Range(0, 10).Select(async _ =>
            (t.NodeName, (await t.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None))!["node"]!.GetValue<string>()))).ToList();
        var delays = all.SelectMany(t => Enumerable.Range(0, 5).Select(_ => t.CallAsync(InstanceRpcTestDelay, Delay(1), Urgent, CancellationToken.None))).ToList();
        foreach (var (expected, actual) in await Task.WhenAll(calls)) Assert.Equal(expected, actual);
        await Task.WhenAll(delays);

        // 15 one-second calls on three nodes: together, not one after another.
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(6), $"took {sw.Elapsed}");
        Assert.All(all, t => Assert.Equal(1, t.ConnectionsOpened));
    }

    private const string InstanceRpcTestDelay = "test_delay";

    [Fact]
    public async Task ACallThatOutlivesItsTimeoutIsUnreachableAndTheConnectionStaysUsable()
    {
        var t = Open(1);
        await t.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None);

        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<NodeUnreachableException>(() => t.CallAsync(InstanceRpcTestDelay, Delay(20), TimeSpan.FromSeconds(1), CancellationToken.None));
        output.WriteLine(e.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"took {sw.Elapsed}");
        Assert.Contains("no answer within 1 s", e.Message);
        Assert.Equal(ErrorCodes.Environment, e.Ecode);

        await t.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None);
        Assert.Equal(1, t.ConnectionsOpened);
    }

    [Fact]
    public async Task KillingANodeMidCallFailsTheCallClearlyAndTheTransportReconnectsWhenItIsBack()
    {
        var t = Open(2);
        await t.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None);
        var running = t.CallAsync(InstanceRpcTestDelay, Delay(30), TimeSpan.FromSeconds(60), CancellationToken.None);
        await Task.Delay(300);

        var sw = Stopwatch.StartNew();
        await lab.RunCheckedAsync("stop-node", "2"); // kill -9 of sshd, the session and ganetid
        var lost = await Assert.ThrowsAsync<NodeUnreachableException>(() => running);
        output.WriteLine(lost.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
        Assert.Equal("node2", lost.NodeName);
        Assert.Contains("connection lost", lost.Message);
        Assert.Contains("ssh", lost.Message);

        var down = await Assert.ThrowsAsync<NodeUnreachableException>(() => t.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None));

        output.WriteLine(down.Message);
        Assert.Contains("Connection refused", down.Message);

        await lab.RunCheckedAsync("start-node", "2");
        var version = await t.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None);
        Assert.Equal("node2", version!["node"]!.GetValue<string>());
        Assert.Equal(3, t.ConnectionsOpened);
    }

    [Fact]
    public async Task ANodeWhoseLinkIsCutIsReportedWithinTheTimeoutNeverAHang()
    {
        var connected = Open(3);
        await connected.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None);
        await lab.RunCheckedAsync("cut", "3");

        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAsync<NodeUnreachableException>(() => connected.CallAsync(NodeProcedures.Version, null, TimeSpan.FromSeconds(2), CancellationToken.None));
        var fresh = Open(3);
        var e = await Assert.ThrowsAsync<NodeUnreachableException>(() => fresh.CallAsync(NodeProcedures.Version, null, TimeSpan.FromSeconds(2), CancellationToken.None));
        output.WriteLine(e.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(6), $"took {sw.Elapsed}");
        Assert.Contains("no answer within 2 s", e.Message);

        await lab.RunCheckedAsync("mend", "3");
        var version = await connected.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None);
        Assert.Equal("node3", version!["node"]!.GetValue<string>());
    }

    [Fact]
    public async Task AWrongHostKeyIsRefused()
    {
        // node1's name and address with node2's host key: what a node that is not ours looks like.
        var forged = Path.Combine(lab.Dir, "known_hosts.forged");
        var lines = File.ReadAllLines(lab.KnownHostsFile);
        var node2Key = string.Join(' ', lines[1].Split(' ')[1..]);
        File.WriteAllText(forged, $"{lab.Nodes[0].Name},{lab.Nodes[0].Address} {node2Key}\n");
        var t = Open(1, lab.TransportOptions with { KnownHostsFile = forged });

        var e = await Assert.ThrowsAsync<NodeUnreachableException>(() => t.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None));

        output.WriteLine(e.Message);
        Assert.Contains("Host key verification failed", e.Message);
        Assert.Contains("ssh exited with code 255", e.Message);

        File.WriteAllText(forged, "");
        var unknown = Open(1, lab.TransportOptions with { KnownHostsFile = forged });
        var e2 = await Assert.ThrowsAsync<NodeUnreachableException>(() => unknown.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None));
        output.WriteLine(e2.Message);
        Assert.Contains("Host key verification failed", e2.Message);
    }

    [Fact]
    public async Task AKeyOtherThanTheClusterKeyIsRefused()
    {
        var key = Path.Combine(lab.Dir, "id_stranger");
        File.Delete(key);
        File.Delete(key + ".pub");
        var (code, _, err) = await RunAsync("ssh-keygen", null, "-q", "-t", "ed25519", "-N", "", "-f", key);
        Assert.True(code == 0, err);
        var t = Open(1, lab.TransportOptions with { IdentityFile = key });

        var e = await Assert.ThrowsAsync<NodeUnreachableException>(() => t.CallAsync(NodeProcedures.Version, null, Urgent, CancellationToken.None));

        output.WriteLine(e.Message);
        Assert.Contains("Permission denied", e.Message);
    }

    [Fact]
    public async Task TheClusterKeyCanRunNothingButTheNodeCommand()
    {
        var node = lab.Nodes[0];
        string[] Ssh(params string[] extra) =>
        [
            "-T", "-F", "none", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", lab.IdentityFile,
            "-o", $"UserKnownHostsFile={lab.KnownHostsFile}", "-o", "StrictHostKeyChecking=yes", "-l", "root", .. extra,
        ];
        var request = """{"id": 1, "procedure": "version"}""" + "\n";

        // Whatever the client asks for, the node command answers.
        var (code, output, err) = await RunAsync("ssh", request, Ssh(node.Address, "--", "/bin/sh", "-c", "'echo pwned; id'"));
        Assert.True(code == 0, err);
        Assert.DoesNotContain("pwned", output);
        Assert.DoesNotContain("uid=", output);
        Assert.Equal(node.Name, JsonNode.Parse(output)!["result"]!["node"]!.GetValue<string>());

        // No forwarding through the node.
        var (fwdCode, fwdOut, fwdErr) = await RunAsync("ssh", "", Ssh("-W", "127.0.0.1:22", node.Address));
        Assert.NotEqual(0, fwdCode);
        Assert.DoesNotContain("SSH-2.0", fwdOut);
        Assert.Contains("prohibited", fwdErr);

        // Not with a terminal either.
        var (_, ttyOut, _) = await RunAsync("ssh", "", ["-tt", .. Ssh(node.Address, "id")]);
        Assert.DoesNotContain("uid=", ttyOut);
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(string program, string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!string.IsNullOrEmpty(stdin)) await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
