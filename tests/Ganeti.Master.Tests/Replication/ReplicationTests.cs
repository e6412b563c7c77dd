using Ganeti.Core.Config;
using Ganeti.Core.Jobs;
using Ganeti.Core.Json;
using Ganeti.Core.Paths;
using Ganeti.Master.Tests.TestSupport;
using static Ganeti.Master.Tests.LogicalUnits.NodeTests;

namespace Ganeti.Master.Tests.Replication;

/// <summary>Config, ssconf and job queue copies on the other nodes of an in-process cluster.</summary>
public class ReplicationTests
{
    private static GanetiPaths MachineOf(TestCluster c, string name) =>
        new(Path.Combine(c.Paths.Root, "machines", name));

    private static long SerialOn(GanetiPaths node) => GanetiJson.Deserialize<ConfigData>(File.ReadAllBytes(node.ConfigData)).SerialNo;

    private static Task<Job> TouchConfigAsync(TestCluster c, string tag) =>
        c.RunAsync(TestCluster.Op("OP_TAGS_SET", new { kind = "cluster", tags = new[] { tag } }));

    [Fact]
    public async Task EveryConfigChangeReachesTheCandidatesAndSsconfEveryOnlineNodeBeforeTheJobEnds()
    {
        await using var c = await WithNodesAsync(2, "node2.test", "node3.test");
        var (mc, regular) = (MachineOf(c, "node2.test"), MachineOf(c, "node3.test"));

        var job = await TouchConfigAsync(c, "a");
        Assert.Equal(JobStatus.Success, job.CalcStatus());

        Assert.Equal(c.Service.ReadConfig().SerialNo, SerialOn(mc));
        Assert.False(File.Exists(regular.ConfigData)); // not a candidate: no copy
        Assert.Equal("node2.test\nnode3.test\n".Insert(0, "node1.test\n"), File.ReadAllText(regular.SsconfPrefix + "node_list"));
        Assert.Equal("node1.test\nnode2.test\n", File.ReadAllText(regular.SsconfPrefix + "master_candidates"));
    }

    [Fact]
    public async Task JobFilesAreOnTheCandidatesWhenTheJobIdIsReturned()
    {
        await using var c = await WithNodesAsync(10, "node2.test");
        var node2 = MachineOf(c, "node2.test");

        var id = await c.SubmitAsync(TestCluster.Op("OP_TEST_DELAY", new { duration = 0.0 }));

        Assert.True(File.Exists(Path.Combine(node2.QueueDir, $"job-{id}")));
        Assert.Equal($"{id}\n", File.ReadAllText(node2.QueueSerial));
        var job = await c.WaitAsync(id);
        // The job's final state is visible in memory just before its file is written and pushed.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        Job copy;
        do
        {
            await c.Daemon.Context.Replication.Queue.FlushAsync();
            copy = GanetiJson.Deserialize<Job>(File.ReadAllBytes(Path.Combine(node2.QueueDir, $"job-{id}")));
            if (copy.CalcStatus() == job.CalcStatus()) break;
            await Task.Delay(20);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal(job.CalcStatus(), copy.CalcStatus());

        Assert.True(c.Service.ArchiveJob(id));
        await c.Daemon.Context.Replication.Queue.FlushAsync();
        Assert.False(File.Exists(Path.Combine(node2.QueueDir, $"job-{id}")));
        Assert.True(File.Exists(Path.Combine(node2.QueueArchiveDir, "0", $"job-{id}")));
    }

    [Fact]
    public async Task AnUnreachableCandidateIsReportedWithoutFailingTheChangeAndCatchesUpOnALaterOne()
    {
        await using var c = await WithNodesAsync(10, "node2.test");
        var node2 = MachineOf(c, "node2.test");
        c.SetDown("node2.test", true);

        var job = await TouchConfigAsync(c, "while-down");
        Assert.Equal(JobStatus.Success, job.CalcStatus());
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("Could not copy the configuration to master candidate node2.test") &&
                                             l.Message.Contains("no route to host"));
        Assert.True(SerialOn(node2) < c.Service.ReadConfig().SerialNo);
        var missed = await c.SubmitAsync(TestCluster.Op("OP_TEST_DELAY", new { duration = 0.0 }));
        await c.WaitAsync(missed);
        Assert.False(File.Exists(Path.Combine(node2.QueueDir, $"job-{missed}")));

        c.SetDown("node2.test", false);
        var later = await TouchConfigAsync(c, "back");
        Assert.DoesNotContain(later.Ops[0].Log, l => l.Message.Contains("Could not"));
        Assert.Equal(c.Service.ReadConfig().SerialNo, SerialOn(node2));
        Assert.True(File.Exists(Path.Combine(node2.QueueDir, $"job-{missed}")));
    }

    [Fact]
    public async Task AnOfflineCandidateIsNotContactedAndCatchesUpWhenBroughtOnline()
    {
        await using var c = await WithNodesAsync(10, "node2.test", "node3.test");
        var node2 = MachineOf(c, "node2.test");
        var offline = await c.RunAsync(Modify("node2.test", new { offline = true }));
        Assert.Equal(JobStatus.Success, offline.CalcStatus());
        var before = SerialOn(node2);
        c.SetDown("node2.test", true); // would fail loudly if anything called it

        var job = await TouchConfigAsync(c, "x");
        var missed = await c.SubmitAsync(TestCluster.Op("OP_TEST_DELAY", new { duration = 0.0 }));
        await c.WaitAsync(missed);

        Assert.DoesNotContain(job.Ops[0].Log, l => l.Message.Contains("Could not"));
        Assert.Equal(before, SerialOn(node2));
        Assert.Equal("node2.test\n", File.ReadAllText(c.Paths.SsconfPrefix + "offline_nodes"));

        // Coming back requires an answer...
        var refused = await c.RunAsync(Modify("node2.test", new { offline = false }));
        Assert.Contains("does not answer", ErrorOf(refused));
        Assert.True(c.Service.ReadConfig().FindNode("node2.test")!.Offline);

        // ...and then the node is a candidate again with everything it missed.
        c.SetDown("node2.test", false);
        var online = await c.RunAsync(Modify("node2.test", new { offline = false }));
        Assert.Equal(JobStatus.Success, online.CalcStatus());
        Assert.Contains(online.Ops[0].Log, l => l.Message.Contains("Auto-promoting node node2.test"));
        Assert.True(c.Service.ReadConfig().FindNode("node2.test")!.MasterCandidate);
        Assert.Equal(c.Service.ReadConfig().SerialNo, SerialOn(node2));
        Assert.True(File.Exists(Path.Combine(node2.QueueDir, $"job-{missed}")));
        Assert.Equal("\n", File.ReadAllText(node2.SsconfPrefix + "offline_nodes"));
    }
}
