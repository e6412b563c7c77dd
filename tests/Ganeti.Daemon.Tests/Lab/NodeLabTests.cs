using System.Diagnostics;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Core.Json;
using Ganeti.Core.Paths;
using Xunit.Abstractions;

namespace Ganeti.Daemon.Tests.Lab;

/// <summary>Node add, remove and offline/readd against the lab's nodes over real SSH.</summary>
[Collection(LabCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeLabTests(LabFixture lab, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => lab.HealAsync();

    public Task DisposeAsync() => lab.HealAsync();

    private static JsonObject Add(LabNode n, bool readd = false) =>
        LabMaster.Op("OP_NODE_ADD", new JsonObject { ["node_name"] = n.Name, ["primary_ip"] = n.Address, ["readd"] = readd });

    private GanetiPaths RootOf(LabNode n) => new(n.Root);

    private static long SerialOn(GanetiPaths p) => GanetiJson.Deserialize<ConfigData>(File.ReadAllBytes(p.ConfigData)).SerialNo;

    private void Show(Job job)
    {
        foreach (var l in job.Ops.SelectMany(o => o.Log)) output.WriteLine($"log: {l.Message}");
        output.WriteLine($"result: {job.Ops[0].Result?.ToJsonString()}");
    }

    [Fact]
    public async Task NodeAddOverSshRecordsTheHostKeyAndHandsTheNodeItsFilesAndNodeRemoveTakesThemBack()
    {
        await using var m = new LabMaster(lab);
        var (n1, n2) = (lab.Nodes[0], lab.Nodes[1]);

        var sw = Stopwatch.StartNew();
        var add1 = await m.RunAsync(Add(n1));
        output.WriteLine($"node add took {sw.Elapsed}");
        Show(add1);
        Assert.Equal(JobStatus.Success, add1.CalcStatus());
        var add2 = await m.RunAsync(Add(n2));
        Assert.Equal(JobStatus.Success, add2.CalcStatus());

        Assert.Contains(add1.Ops[0].Log, l => l.Message.Contains("Recorded the host key of node1 as fetched from 10.78.0.1"));
        Assert.Single(m.Ssh.KnownHosts.KeysOf("node1"));
        var serial = m.Service.ReadConfig().SerialNo;
        foreach (var n in new[] { n1, n2 })
        {
            var root = RootOf(n);
            Assert.Equal(serial, SerialOn(root));
            Assert.Equal("master\nnode1\nnode2\n", File.ReadAllText(root.SsconfPrefix + "node_list"));
            Assert.Equal("lab.test\n", File.ReadAllText(root.SsconfPrefix + "cluster_name"));
            Assert.Contains("node1,10.78.0.1 ssh-ed25519 ", File.ReadAllText(root.KnownHosts));
        }

        var remove = await m.RunAsync(LabMaster.Op("OP_NODE_REMOVE", new JsonObject { ["node_name"] = "node2" }));
        Show(remove);
        Assert.Equal(JobStatus.Success, remove.CalcStatus());
        Assert.Null(m.Service.ReadConfig().FindNode("node2"));
        Assert.False(File.Exists(RootOf(n2).ConfigData));
        Assert.False(File.Exists(RootOf(n2).SsconfPrefix + "node_list"));
        Assert.Empty(m.Ssh.KnownHosts.KeysOf("node2"));
        Assert.Equal("master\nnode1\n", File.ReadAllText(RootOf(n1).SsconfPrefix + "node_list"));
    }

    [Fact]
    public async Task AWrongHostKeyIsRefused()
    {
        await using var m = new LabMaster(lab);
        // node3's name and address with node2's host key: what a node that is not ours looks like.
        var node2Key = string.Join(' ', File.ReadAllLines(lab.KnownHostsFile)[1].Split(' ')[1..3]);
        m.Ssh.KnownHosts.Set("node3", lab.Nodes[2].Address, [node2Key]);

        var job = await m.RunAsync(Add(lab.Nodes[2]));
        Show(job);

        Assert.Equal(JobStatus.Error, job.CalcStatus());
        var e = GanetiException.FromWire(job.Ops[0].Result)!;
        Assert.Equal(ErrorCodes.Environment, e.Ecode);
        Assert.Contains("Cannot contact node node3 (10.78.0.3)", e.Message);
        Assert.Contains("Host key verification failed", e.Message);
        Assert.Null(m.Service.ReadConfig().FindNode("node3"));
    }

    [Fact]
    public async Task AnUnreachableNodeIsReportedClearlyWithinItsTimeout()
    {
        await using var m = new LabMaster(lab);
        var n3 = lab.Nodes[2];
        await lab.RunCheckedAsync("cut", "3");

        var sw = Stopwatch.StartNew();
        var scan = await m.RunAsync(Add(n3));
        Show(scan);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(12), $"took {sw.Elapsed}");
        Assert.Contains("Cannot fetch the SSH host key of node3 from 10.78.0.3 port 22 within 4 s",
            GanetiException.FromWire(scan.Ops[0].Result)!.Message);

        // With the key known, the connection itself times out.
        var realKey = string.Join(' ', File.ReadAllLines(lab.KnownHostsFile)[2].Split(' ')[1..3]);
        m.Ssh.KnownHosts.Set("node3", n3.Address, [realKey]);
        sw.Restart();
        var connect = await m.RunAsync(Add(n3));
        Show(connect);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(12), $"took {sw.Elapsed}");
        var e = GanetiException.FromWire(connect.Ops[0].Result)!;
        Assert.Contains("Cannot contact node node3 (10.78.0.3)", e.Message);
        Assert.Equal(ErrorCodes.Environment, e.Ecode);
        Assert.Null(m.Service.ReadConfig().FindNode("node3"));
    }

    [Fact]
    public async Task ANodeMarkedOfflineIsLeftAloneAndCatchesUpWhenReadded()
    {
        await using var m = new LabMaster(lab);
        var n3 = lab.Nodes[2];
        Assert.Equal(JobStatus.Success, (await m.RunAsync(Add(n3))).CalcStatus());
        var root = RootOf(n3);

        var offline = await m.RunAsync(LabMaster.Op("OP_NODE_SET_PARAMS", new JsonObject { ["node_name"] = "node3", ["offline"] = true }));
        Show(offline);
        Assert.Equal(JobStatus.Success, offline.CalcStatus());
        await lab.RunCheckedAsync("cut", "3"); // nothing may wait on it now
        var sw = Stopwatch.StartNew();
        var change = await m.RunAsync(LabMaster.Op("OP_TAGS_SET", new JsonObject { ["kind"] = "cluster", ["tags"] = new JsonArray("while-offline") }));
        Assert.Equal(JobStatus.Success, change.CalcStatus());
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"took {sw.Elapsed}");
        Assert.True(SerialOn(root) < m.Service.ReadConfig().SerialNo);

        await lab.RunCheckedAsync("mend", "3");
        var readd = await m.RunAsync(Add(n3, readd: true));
        Show(readd);
        Assert.Equal(JobStatus.Success, readd.CalcStatus());
        var node = m.Service.ReadConfig().FindNode("node3")!;
        Assert.False(node.Offline);
        Assert.True(node.MasterCandidate);
        Assert.Equal(m.Service.ReadConfig().SerialNo, SerialOn(root));
        Assert.Equal("\n", File.ReadAllText(root.SsconfPrefix + "offline_nodes"));
        Assert.True(File.Exists(Path.Combine(root.QueueDir, $"job-{change.Id}")));
    }
}
