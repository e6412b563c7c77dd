using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Core.Paths;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>
/// gnt-node migrate and gnt-node evacuate end to end on in-process nodes: the follow-up jobs
/// really run (drbd instances through the recorded storage layer, shared-storage ones through
/// the allocator) and leave the node without primary instances, with the configuration, the
/// running guests and the DRBD roles in agreement.
/// </summary>
public class NodeMigrationTests
{
    private sealed record Lab(TestCluster C, FakeStorageNode N2, FakeStorageNode N3) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => C.DisposeAsync();
    }

    /// <summary>
    /// node2 holds db1 and db2 (drbd, secondaries on node3) and vm1 (sharedfile); node3 holds db3
    /// (drbd, secondary on node2); node4 has room. The master is drained, hail the default allocator.
    /// </summary>
    private static async Task<Lab> LabAsync()
    {
        var (c, n2, n3) = await FakeStorageNode.DrbdClusterAsync(cfg =>
        {
            cfg.Cluster.EnabledDiskTemplates.Add("sharedfile");
            cfg.Cluster.DefaultIallocator = "hail";
            cfg.MasterNode.Drained = true;
        });
        await c.AddFakeNodeAsync("node4.test", 8192);
        foreach (var (name, p, s) in new[] { ("db1", "node2.test", "node3.test"), ("db2", "node2.test", "node3.test"), ("db3", "node3.test", "node2.test") })
            AssertOk(await c.RunAsync(TestCluster.Create(name, "drbd", 100, extra: new { pnode = p, snode = s })));
        AssertOk(await c.RunAsync(TestCluster.Create("vm1", "sharedfile", 8, extra: new { pnode = "node2.test" })));
        return new Lab(c, n2, n3);
    }

    private static void AssertOk(Job job) =>
        Assert.True(job.CalcStatus() == JobStatus.Success,
            string.Join("; ", job.Ops.Select(o => o.Result?.ToJsonString())) + "\n" +
            string.Join("\n", job.Ops.SelectMany(o => o.Log).Select(l => l.Message)));

    /// <summary>Waits for every follow-up job of <paramref name="job"/> and returns them.</summary>
    private static async Task<List<Job>> FollowUpsAsync(TestCluster c, Job job)
    {
        AssertOk(job);
        var jobs = new List<Job>();
        foreach (var entry in job.Ops[0].Result!["jobs"]!.AsArray())
        {
            var pair = entry!.AsArray();
            Assert.True(pair[0]!.GetValue<bool>(), $"a follow-up job was refused: {pair[1]}");
            jobs.Add(await c.WaitAsync(pair[1]!.GetValue<long>(), 60));
        }
        return jobs;
    }

    private static string NodeOf(ConfigData cfg, string uuid) => cfg.Nodes[uuid].Name;

    private static bool RunsOn(TestCluster c, ConfigData cfg, string node, string instance) =>
        File.Exists(Path.Combine(new GanetiPaths(cfg.FindNode(node)!.RootDir).FakeHypervisorDir, instance));

    /// <summary>
    /// The node has no primary instance; every running instance runs exactly where the
    /// configuration says, a stopped one nowhere; each drbd instance has one secondary, the other node of its disk, and its mirror
    /// has one primary, on the primary node (or is down when the instance is stopped).
    /// </summary>
    private static void AssertEmptyOfPrimariesAndConsistent(Lab lab, string node)
    {
        var cfg = lab.C.Service.ReadConfig();
        var nodeUuid = cfg.FindNode(node)!.Uuid;
        Assert.DoesNotContain(cfg.Instances.Values, i => i.PrimaryNode == nodeUuid);
        var storage = new Dictionary<string, FakeStorageNode> { ["node2.test"] = lab.N2, ["node3.test"] = lab.N3 };
        foreach (var inst in cfg.Instances.Values)
        {
            var primary = NodeOf(cfg, inst.PrimaryNode);
            var up = inst.AdminState == AdminStates.Up;
            foreach (var n in cfg.Nodes.Values.Where(n => n.Name != "node1.test"))
                Assert.True(RunsOn(lab.C, cfg, n.Name, inst.Name) == (up && n.Name == primary),
                    $"{inst.Name} on {n.Name}, config says {primary}, {inst.AdminState}");
            if (inst.DiskTemplate != "drbd")
                continue;
            var disk = cfg.InstanceDisks(inst).Single();
            var secondary = NodeOf(cfg, cfg.SecondaryNodes(inst).Single());
            Assert.Equal(new[] { primary, secondary }.Order(), disk.Nodes.Select(u => NodeOf(cfg, u)).Order());
            var index = disk.LogicalId[0].GetString() == inst.PrimaryNode ? 3 : 4;
            var minor = disk.LogicalId[index].GetInt32();
            var peerMinor = disk.LogicalId[7 - index].GetInt32();
            if (!up)
            {
                Assert.False(storage[primary].Minors.ContainsKey(minor));
                Assert.False(storage[secondary].Minors.ContainsKey(peerMinor));
                continue;
            }
            Assert.Equal((true, "Connected", false), storage[primary].Minors[minor]);
            Assert.Equal((false, "Connected", false), storage[secondary].Minors[peerMinor]);
        }
    }

    [Fact]
    public async Task NodeMigrateMovesEveryPrimaryInstanceOffTheNode()
    {
        await using var lab = await LabAsync();
        var c = lab.C;
        var job = await c.RunAsync(TestCluster.Op("OP_NODE_MIGRATE", new { node_name = "node2.test" }));
        var followUps = await FollowUpsAsync(c, job);
        Assert.Equal(["db1", "db2", "vm1"], followUps.Select(j => (string)j.Ops[0].Input["instance_name"]!));
        Assert.All(followUps, j => Assert.Equal("OP_INSTANCE_MIGRATE", (string)j.Ops[0].Input["OP_ID"]!));
        foreach (var f in followUps)
            AssertOk(f);

        var cfg = c.Service.ReadConfig();
        Assert.Equal("node3.test", NodeOf(cfg, cfg.FindInstance("db1")!.PrimaryNode));
        Assert.Equal("node3.test", NodeOf(cfg, cfg.FindInstance("db2")!.PrimaryNode));
        Assert.Equal("node3.test", NodeOf(cfg, cfg.FindInstance("db3")!.PrimaryNode));
        Assert.NotEqual("node2.test", NodeOf(cfg, cfg.FindInstance("vm1")!.PrimaryNode));
        AssertEmptyOfPrimariesAndConsistent(lab, "node2.test");
    }

    [Fact]
    public async Task NodeEvacuateOfPrimariesRunsItsMigrationsAndFailovers()
    {
        await using var lab = await LabAsync();
        var c = lab.C;
        // A stopped instance moves too: the evacuation plan fails it over.
        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_SHUTDOWN", new { instance_name = "db2" })));
        var job = await c.RunAsync(TestCluster.Op("OP_NODE_EVACUATE", new { node_name = "node2.test", mode = "primary-only" }));
        var followUps = await FollowUpsAsync(c, job);
        Assert.Equal(3, followUps.Count);
        foreach (var f in followUps)
            AssertOk(f);
        AssertEmptyOfPrimariesAndConsistent(lab, "node2.test");
        Assert.Equal(AdminStates.Down, c.Service.ReadConfig().FindInstance("db2")!.AdminState);
    }

    [Fact]
    public async Task NodeMigratePassesModeTargetAndPolicySettingsToEachMigration()
    {
        await using var lab = await LabAsync();
        var c = lab.C;
        var job = await c.RunAsync(TestCluster.Op("OP_NODE_MIGRATE", new
        {
            node_name = "node3.test", mode = "non-live", target_node = "node2.test", allow_runtime_changes = false, ignore_ipolicy = true,
        }));
        var followUp = Assert.Single(await FollowUpsAsync(c, job));
        var op = followUp.Ops[0].Input;
        Assert.Equal("db3", (string)op["instance_name"]!);
        Assert.Equal("non-live", (string)op["mode"]!);
        Assert.Equal("node2.test", (string)op["target_node"]!);
        Assert.False((bool)op["allow_runtime_changes"]!);
        Assert.True((bool)op["ignore_ipolicy"]!);
        AssertOk(followUp);
        Assert.Equal("node2.test", NodeOf(c.Service.ReadConfig(), c.Service.ReadConfig().FindInstance("db3")!.PrimaryNode));

        var live = await c.RunAsync(TestCluster.Op("OP_NODE_MIGRATE", new { node_name = "node4.test", live = false }));
        Assert.Empty(await FollowUpsAsync(c, live));
        Assert.Contains(live.Ops[0].Log, l => l.Message == "No primary instances on node node4.test");
    }

    [Theory]
    [InlineData("node2.test", "live", true, null, "Only one of the 'live' and 'mode'")]
    [InlineData("node2.test", "fast", null, null, "Parameter 'mode'")]
    [InlineData("node2.test", null, null, "node2.test", "to the node itself")]
    [InlineData("node2.test", null, null, "nosuch.test", "nosuch.test")]
    [InlineData("nosuch.test", null, null, null, "nosuch.test")]
    public async Task BadNodeMigrateArgumentsAreRefused(string node, string? mode, bool? live, string? target, string message)
    {
        await using var c = new TestCluster();
        await c.AddFakeNodeAsync("node2.test", 8192);
        var op = TestCluster.Op("OP_NODE_MIGRATE", new { node_name = node });
        if (mode is not null) op["mode"] = mode;
        if (live is not null) op["live"] = live;
        if (target is not null) op["target_node"] = target;
        long id;
        try
        {
            id = await c.SubmitAsync(op);
        }
        catch (GanetiException e)
        {
            Assert.Contains(message, e.Message);
            return;
        }
        var job = await c.WaitAsync(id);
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        Assert.Contains(message, GanetiException.FromWire(job.Ops[0].Result)!.Message);
    }
}
