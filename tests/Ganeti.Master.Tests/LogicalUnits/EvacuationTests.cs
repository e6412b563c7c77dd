using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>
/// Opcodes whose result is follow-up jobs (Ganeti's ResultWithJobs): the test opcode, node
/// evacuation and instance group change. The follow-up jobs are checked as submitted: their
/// opcodes and order.
/// </summary>
public class EvacuationTests
{
    /// <summary>Writes a drbd instance straight into the configuration (no disks are made: only plans are tested).</summary>
    internal static Task AddDrbdAsync(TestCluster c, string name, string primary, string secondary, int memory = 1024, bool up = true) =>
        c.Daemon.Context.Config.UpdateAsync(cfg =>
        {
            var p = cfg.FindNode(primary)!;
            var s = cfg.FindNode(secondary)!;
            var disk = new Disk { Uuid = Guid.NewGuid().ToString(), DevType = "drbd", Nodes = [p.Uuid, s.Uuid], Size = 1024, IvName = "disk/0" };
            cfg.Disks[disk.Uuid] = disk;
            var uuid = Guid.NewGuid().ToString();
            cfg.Instances[uuid] = new Instance
            {
                Uuid = uuid, Name = name, PrimaryNode = p.Uuid, Os = "debootstrap", Hypervisor = "fake", DiskTemplate = "drbd",
                Disks = [disk.Uuid], AdminState = up ? AdminStates.Up : AdminStates.Down,
                Beparams = new() { ["maxmem"] = JsonSerializer.SerializeToElement(memory), ["minmem"] = JsonSerializer.SerializeToElement(memory) },
            };
        });

    private static async Task<TestCluster> ThreeNodesAsync()
    {
        var c = new TestCluster();
        await c.AddFakeNodeAsync("a.test", 16384);
        await c.AddFakeNodeAsync("b.test", 16384);
        await c.AddFakeNodeAsync("c.test", 16384);
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.MasterNode.Drained = true);
        return c;
    }

    /// <summary>The follow-up jobs of a finished job: each [ok, id] resolved to the submitted job's opcodes.</summary>
    private static List<List<JsonObject>> FollowUps(TestCluster c, Job job)
    {
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        var result = Assert.IsType<JsonObject>(job.Ops[0].Result);
        var list = new List<List<JsonObject>>();
        foreach (var entry in result["jobs"]!.AsArray())
        {
            var pair = entry!.AsArray();
            Assert.True(pair[0]!.GetValue<bool>(), $"a follow-up job was refused: {pair[1]}");
            var submitted = c.Service.GetJob(pair[1]!.GetValue<long>());
            Assert.NotNull(submitted);
            list.Add(submitted!.Ops.Select(o => o.Input).ToList());
        }
        return list;
    }

    [Fact]
    public async Task ResultWithJobsSubmitsTheJobsAndReportsTheirIds()
    {
        await using var c = new TestCluster();
        var job = await c.RunAsync(TestCluster.Op("OP_TEST_DUMMY", new
        {
            result = new { answer = 42 },
            submit_jobs = new object[]
            {
                new object[] { new { OP_ID = "OP_TEST_DELAY", duration = 0 } },
                new object[] { new { OP_ID = "OP_TEST_DELAY", duration = 0 }, new { OP_ID = "OP_TEST_DELAY", duration = 0 } },
            },
        }));
        var jobs = FollowUps(c, job);
        Assert.Equal(42, job.Ops[0].Result!["answer"]!.GetValue<int>());
        Assert.Equal([1, 2], jobs.Select(j => j.Count));
        foreach (var entry in job.Ops[0].Result!["jobs"]!.AsArray())
        {
            var followUp = await c.WaitAsync(entry!.AsArray()[1]!.GetValue<long>());
            Assert.Equal(JobStatus.Success, followUp.CalcStatus());
        }
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("Submitted 2 follow-up job(s)"));
    }

    [Fact]
    public async Task AFollowUpJobThatCannotBeParsedIsReportedAndTheOthersStillRun()
    {
        await using var c = new TestCluster();
        var job = await c.RunAsync(TestCluster.Op("OP_TEST_DUMMY", new
        {
            submit_jobs = new object[]
            {
                new object[] { new { OP_ID = "OP_NO_SUCH_THING" } },
                new object[] { new { OP_ID = "OP_TEST_DELAY", duration = 0 } },
            },
        }));
        Assert.Equal(JobStatus.Success, job.CalcStatus());
        var jobs = job.Ops[0].Result!["jobs"]!.AsArray();
        Assert.False(jobs[0]![0]!.GetValue<bool>());
        Assert.Contains("OP_NO_SUCH_THING", jobs[0]![1]!.ToString());
        Assert.True(jobs[1]![0]!.GetValue<bool>());
        Assert.Equal(JobStatus.Success, (await c.WaitAsync(jobs[1]![1]!.GetValue<long>())).CalcStatus());
    }

    [Fact]
    public async Task EvacuatingSecondariesToARemoteNodeReplacesEachInstancesSecondary()
    {
        await using var c = await ThreeNodesAsync();
        await AddDrbdAsync(c, "vm1", "a.test", "b.test");
        await AddDrbdAsync(c, "vm2", "a.test", "b.test");
        await AddDrbdAsync(c, "vm3", "b.test", "c.test");
        var job = await c.RunAsync(TestCluster.Op("OP_NODE_EVACUATE", new
        {
            node_name = "b.test", mode = "secondary-only", remote_node = "c.test", early_release = true,
        }));
        var jobs = FollowUps(c, job);
        Assert.Equal(2, jobs.Count);
        Assert.Equal(["vm1", "vm2"], jobs.Select(j => (string)j.Single()["instance_name"]!));
        foreach (var j in jobs)
        {
            Assert.Equal("OP_INSTANCE_REPLACE_DISKS", (string)j[0]["OP_ID"]!);
            Assert.Equal("replace_new_secondary", (string)j[0]["mode"]!);
            Assert.Equal("c.test", (string)j[0]["remote_node"]!);
            Assert.True(j[0]["early_release"]!.GetValue<bool>());
        }
    }

    [Fact]
    public async Task EvacuatingPrimariesWithHailMovesEachInstanceToItsSecondary()
    {
        await using var c = await ThreeNodesAsync();
        await AddDrbdAsync(c, "vm1", "a.test", "b.test");
        await AddDrbdAsync(c, "vm2", "a.test", "c.test", up: false);
        await AddDrbdAsync(c, "vm3", "b.test", "a.test");
        var job = await c.RunAsync(TestCluster.Op("OP_NODE_EVACUATE", new { node_name = "a.test", mode = "primary-only", iallocator = "hail" }));
        var jobs = FollowUps(c, job);
        Assert.Equal(["vm1", "vm2"], jobs.Select(j => (string)j[0]["instance_name"]!).Order());
        foreach (var j in jobs)
        {
            var op = Assert.Single(j);
            Assert.Contains((string)op["OP_ID"]!, new[] { "OP_INSTANCE_MIGRATE", "OP_INSTANCE_FAILOVER" });
            Assert.Null((string?)op["target_node"]);
        }
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("Instances to be moved"));
    }

    [Fact]
    public async Task EvacuatingANodeWithoutInstancesSubmitsNothing()
    {
        await using var c = await ThreeNodesAsync();
        var job = await c.RunAsync(TestCluster.Op("OP_NODE_EVACUATE", new { node_name = "a.test", mode = "all", iallocator = "hail" }));
        Assert.Empty(FollowUps(c, job));
    }

    [Theory]
    [InlineData("all", "node1.test", "can only take secondary")]
    [InlineData("secondary-only", "b.test", "evacuated node")]
    public async Task BadEvacuationArgumentsAreRefused(string mode, string? remote, string message)
    {
        await using var c = await ThreeNodesAsync();
        await AddDrbdAsync(c, "vm1", "a.test", "b.test");
        var job = await c.RunAsync(TestCluster.Op("OP_NODE_EVACUATE", new { node_name = "b.test", mode, remote_node = remote, iallocator = remote is null ? "hail" : null }));
        var error = GanetiException.FromWire(job.Ops[0].Result)!;
        Assert.Equal(ErrorCodes.WrongInput, error.Ecode);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task AnUnknownEvacuationModeIsRefusedAtSubmission()
    {
        await using var c = await ThreeNodesAsync();
        var e = await Assert.ThrowsAsync<GanetiException>(() =>
            c.SubmitAsync(TestCluster.Op("OP_NODE_EVACUATE", new { node_name = "a.test", mode = "sideways" })));
        Assert.Contains("mode", e.Message);
    }

    [Fact]
    public async Task ARemoteNodeThatIsAnInstancesPrimaryIsRefused()
    {
        await using var c = await ThreeNodesAsync();
        await AddDrbdAsync(c, "vm1", "c.test", "b.test");
        var job = await c.RunAsync(TestCluster.Op("OP_NODE_EVACUATE", new { node_name = "b.test", mode = "secondary-only", remote_node = "c.test" }));
        var error = GanetiException.FromWire(job.Ops[0].Result)!;
        Assert.Contains("primary node of instance vm1", error.Message);
    }

    [Fact]
    public async Task AnInstanceHailCannotPlaceFailsTheEvacuation()
    {
        await using var c = await ThreeNodesAsync();
        // Too big for any other node once the master is drained.
        await AddDrbdAsync(c, "big", "a.test", "b.test", memory: 15000);
        await AddDrbdAsync(c, "big2", "c.test", "b.test", memory: 15000);
        var job = await c.RunAsync(TestCluster.Op("OP_NODE_EVACUATE", new { node_name = "a.test", mode = "all", iallocator = "hail" }));
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        var error = GanetiException.FromWire(job.Ops[0].Result)!;
        Assert.Contains("big", error.Message);
    }

    [Fact]
    public async Task ChangingGroupWithoutAnotherGroupIsRefused()
    {
        await using var c = await ThreeNodesAsync();
        await AddDrbdAsync(c, "vm1", "a.test", "b.test");
        var job = await c.RunAsync(TestCluster.Op("OP_INSTANCE_CHANGE_GROUP", new { instance_name = "vm1", iallocator = "hail" }));
        var error = GanetiException.FromWire(job.Ops[0].Result)!;
        Assert.Contains("no possible target groups", error.Message);
    }

    [Fact]
    public async Task ChangingGroupMovesTheInstanceIntoTheTargetGroup()
    {
        await using var c = await ThreeNodesAsync();
        await c.AddFakeNodeAsync("d.test", 16384);
        await c.Daemon.Context.Config.UpdateAsync(cfg =>
        {
            var g = new NodeGroup { Uuid = Guid.NewGuid().ToString(), Name = "other" };
            cfg.Nodegroups[g.Uuid] = g;
            cfg.FindNode("c.test")!.Group = g.Uuid;
            cfg.FindNode("d.test")!.Group = g.Uuid;
        });
        await AddDrbdAsync(c, "vm1", "a.test", "b.test");
        var job = await c.RunAsync(TestCluster.Op("OP_INSTANCE_CHANGE_GROUP", new { instance_name = "vm1", iallocator = "hail", target_groups = new[] { "other" } }));
        var jobs = FollowUps(c, job);
        var ops = Assert.Single(jobs);
        Assert.All(ops, op => Assert.Equal("vm1", (string)op["instance_name"]!));
        // The secondary moves into the group, the instance fails over onto it, then the new secondary follows.
        Assert.Equal(["OP_INSTANCE_REPLACE_DISKS", "OP_INSTANCE_MIGRATE", "OP_INSTANCE_REPLACE_DISKS"], ops.Select(o => (string)o["OP_ID"]!));
        Assert.All(ops.Where(o => (string)o["OP_ID"]! == "OP_INSTANCE_REPLACE_DISKS"),
            o => Assert.Contains((string)o["remote_node"]!, new[] { "c.test", "d.test" }));
    }

    private static Task<Job> Group(TestCluster c, string op, object fields) => c.RunAsync(TestCluster.Op(op, fields));

    private static string Refusal(Job job)
    {
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        return GanetiException.FromWire(job.Ops[0].Result)!.Message;
    }

    private static void Ok(Job job) => Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());

    [Fact]
    public async Task NodeGroupsAreAddedFilledRenamedAndRemovedWithGanetisRules()
    {
        await using var c = await ThreeNodesAsync();
        await AddDrbdAsync(c, "vm1", "a.test", "b.test");
        Ok(await Group(c, "OP_GROUP_ADD", new { group_name = "rack2", alloc_policy = "last_resort", ipolicy = new Dictionary<string, object> { ["vcpu-ratio"] = 2 } }));
        var rack2 = c.Service.ReadConfig().FindGroup("rack2")!;
        Assert.Equal("last_resort", rack2.AllocPolicy);
        Assert.Equal(2.0, rack2.Ipolicy["vcpu-ratio"].GetDouble());
        Assert.Equal(["vcpu-ratio"], rack2.Ipolicy.Keys);
        Assert.Contains("already exists", Refusal(await Group(c, "OP_GROUP_ADD", new { group_name = "rack2" })));
        Assert.Contains("alloc_policy", (await Assert.ThrowsAsync<GanetiException>(() => c.SubmitAsync(TestCluster.Op("OP_GROUP_ADD", new { group_name = "rack3", alloc_policy = "sometimes" })))).Message);
        Assert.Contains("vcpu-ratio", Refusal(await Group(c, "OP_GROUP_ADD", new { group_name = "rack3", ipolicy = new Dictionary<string, object> { ["vcpu-ratio"] = -1 } })));

        Ok(await Group(c, "OP_GROUP_ASSIGN_NODES", new { group_name = "rack2", nodes = new[] { "c.test" } }));
        Assert.Equal(rack2.Uuid, c.Service.ReadConfig().FindNode("c.test")!.Group);
        // vm1 lives on a and b: moving one of them alone would split it.
        Assert.Contains("Instance(s) vm1 would be split across node groups",
            Refusal(await Group(c, "OP_GROUP_ASSIGN_NODES", new { group_name = "rack2", nodes = new[] { "b.test" } })));
        var forced = await Group(c, "OP_GROUP_ASSIGN_NODES", new { group_name = "rack2", nodes = new[] { "b.test" }, force = true });
        Ok(forced);
        Assert.Contains(forced.Ops[0].Log, l => l.Message.StartsWith("Warning: Instance(s) vm1 would be split", StringComparison.Ordinal));
        Ok(await Group(c, "OP_GROUP_ASSIGN_NODES", new { group_name = "default", nodes = new[] { "b.test" } }));

        Assert.Contains("not empty, has the following node(s): c.test", Refusal(await Group(c, "OP_GROUP_REMOVE", new { group_name = "rack2" })));
        Ok(await Group(c, "OP_GROUP_RENAME", new { group_name = "rack2", new_name = "rack9" }));
        Assert.Equal("rack9", c.Service.ReadConfig().Nodegroups[rack2.Uuid].Name);
        Assert.Contains("already exists", Refusal(await Group(c, "OP_GROUP_RENAME", new { group_name = "rack9", new_name = "default" })));
        Ok(await Group(c, "OP_GROUP_ASSIGN_NODES", new { group_name = "default", nodes = new[] { "c.test" } }));
        Ok(await Group(c, "OP_GROUP_REMOVE", new { group_name = "rack9" }));
        Assert.Null(c.Service.ReadConfig().FindGroup("rack9"));
        Assert.Contains("Group 'default' not empty", Refusal(await Group(c, "OP_GROUP_REMOVE", new { group_name = "default" })));
    }

    [Fact]
    public async Task NodeGroupsAreModifiedAndDefaultRemovesAnOverride()
    {
        await using var c = await ThreeNodesAsync();
        await AddDrbdAsync(c, "vm1", "a.test", "b.test", memory: 4096);
        Assert.Contains("at least one modification", Refusal(await Group(c, "OP_GROUP_SET_PARAMS", new { group_name = "default" })));
        Assert.Contains("Node group", Refusal(await Group(c, "OP_GROUP_SET_PARAMS", new { group_name = "nosuch", alloc_policy = "last_resort" })));

        var job = await Group(c, "OP_GROUP_SET_PARAMS", new
        {
            group_name = "default", alloc_policy = "last_resort",
            ndparams = new Dictionary<string, object> { ["oob_program"] = "/bin/true", ["spindle_count"] = "2" },
            diskparams = new Dictionary<string, object> { ["drbd"] = new Dictionary<string, object> { ["resync-rate"] = 2048 } },
            ipolicy = new Dictionary<string, object> { ["vcpu-ratio"] = 3, ["spindle-ratio"] = "8" },
        });
        Ok(job);
        Assert.Equal(["alloc_policy", "ndparams", "diskparams", "ipolicy"], job.Ops[0].Result!.AsArray().Select(p => (string)p![0]!));
        var g = c.Service.ReadConfig().FindGroup("default")!;
        Assert.Equal("last_resort", g.AllocPolicy);
        Assert.Equal(2, g.Ndparams["spindle_count"].GetInt32());
        Assert.Equal(2048, g.Diskparams["drbd"]["resync-rate"].GetInt32());
        Assert.Equal(3.0, g.Ipolicy["vcpu-ratio"].GetDouble());
        Assert.Equal(8.0, g.Ipolicy["spindle-ratio"].GetDouble());

        // "default" removes an override; the other overrides stay.
        Ok(await Group(c, "OP_GROUP_SET_PARAMS", new
        {
            group_name = "default",
            ndparams = new Dictionary<string, object?> { ["oob_program"] = "default" },
            diskparams = new Dictionary<string, object> { ["drbd"] = new Dictionary<string, object?> { ["resync-rate"] = null } },
            ipolicy = new Dictionary<string, object> { ["spindle-ratio"] = "default" },
        }));
        g = c.Service.ReadConfig().FindGroup("default")!;
        Assert.Equal(["spindle_count"], g.Ndparams.Keys);
        Assert.False(g.Diskparams.ContainsKey("drbd"));
        Assert.Equal(["vcpu-ratio"], g.Ipolicy.Keys);

        // Wrong names and values are refused before anything changes.
        Assert.Contains("Unknown node parameter 'no_such'", Refusal(await Group(c, "OP_GROUP_SET_PARAMS", new { group_name = "default", ndparams = new Dictionary<string, object> { ["no_such"] = 1 } })));
        Assert.Contains("{\"floppy\":{}}", (await Assert.ThrowsAsync<GanetiException>(() => c.SubmitAsync(TestCluster.Op("OP_GROUP_SET_PARAMS",
            new { group_name = "default", diskparams = new Dictionary<string, object> { ["floppy"] = new Dictionary<string, object>() } })))).Message);
        Assert.Contains("Unknown drbd disk parameter 'rate'", Refusal(await Group(c, "OP_GROUP_SET_PARAMS",
            new { group_name = "default", diskparams = new Dictionary<string, object> { ["drbd"] = new Dictionary<string, object> { ["rate"] = 1 } } })));
        Assert.Contains("std cannot appear", Refusal(await Group(c, "OP_GROUP_SET_PARAMS", new { group_name = "default", ipolicy = new Dictionary<string, object> { ["std"] = new Dictionary<string, object> { ["memory-size"] = 128 } } })));
        Assert.Contains("vcpu-ratio", Refusal(await Group(c, "OP_GROUP_SET_PARAMS", new { group_name = "default", alloc_policy = "preferred", ipolicy = new Dictionary<string, object> { ["vcpu-ratio"] = 0 } })));
        Assert.Equal("last_resort", c.Service.ReadConfig().FindGroup("default")!.AllocPolicy);

        // A policy that no longer admits a 4 GiB instance is accepted with a warning naming it.
        var spec = new Dictionary<string, object> { ["cpu-count"] = 1, ["disk-count"] = 1, ["disk-size"] = 1024, ["memory-size"] = 128, ["nic-count"] = 1, ["spindle-use"] = 1 };
        var small = new Dictionary<string, object>(spec) { ["memory-size"] = 2048, ["cpu-count"] = 8, ["disk-size"] = 102400, ["disk-count"] = 16, ["nic-count"] = 8, ["spindle-use"] = 12 };
        var tight = await Group(c, "OP_GROUP_SET_PARAMS", new
        {
            group_name = "default",
            ipolicy = new Dictionary<string, object> { ["minmax"] = new[] { new Dictionary<string, object> { ["min"] = spec, ["max"] = small } } },
        });
        Ok(tight);
        Assert.Contains(tight.Ops[0].Log, l => l.Message == "Warning: After the ipolicy change the following instances violate it: vm1");
    }

    [Fact]
    public async Task EvacuatingAGroupPlansEveryInstanceOutOfItAsFollowUpJobs()
    {
        await using var c = await ThreeNodesAsync();
        await c.AddFakeNodeAsync("d.test", 16384);
        Ok(await Group(c, "OP_GROUP_ADD", new { group_name = "other" }));
        Ok(await Group(c, "OP_GROUP_ASSIGN_NODES", new { group_name = "other", nodes = new[] { "c.test", "d.test" } }));
        await AddDrbdAsync(c, "vm1", "a.test", "b.test");
        await AddDrbdAsync(c, "vm2", "b.test", "a.test");

        Assert.Contains("can not be used as a destination",
            Refusal(await Group(c, "OP_GROUP_EVACUATE", new { group_name = "default", iallocator = "hail", target_groups = new[] { "default" } })));

        var job = await Group(c, "OP_GROUP_EVACUATE", new { group_name = "default", iallocator = "hail", force_failover = true, sequential = true });
        var jobs = FollowUps(c, job);
        Assert.Equal(2, jobs.Count);
        Assert.Equal(["vm1", "vm2"], jobs.Select(j => (string)j[0]["instance_name"]!).Order());
        // Migrations became failovers, and the second job waits for the first.
        Assert.All(jobs.SelectMany(j => j), op => Assert.NotEqual("OP_INSTANCE_MIGRATE", (string)op["OP_ID"]!));
        Assert.Contains(jobs.SelectMany(j => j), op => (string)op["OP_ID"]! == "OP_INSTANCE_FAILOVER");
        Assert.Null(jobs[0][0]["depends"]);
        var firstId = job.Ops[0].Result!["jobs"]![0]![1]!.GetValue<long>();
        Assert.All(jobs[1], op => Assert.Equal($"[[{firstId},[\"error\",\"success\"]]]", op["depends"]!.ToJsonString()));
        Assert.Contains(job.Ops[0].Log, l => l.Message == "Iallocator returned 2 job(s) for evacuating node group default");

        // The other group holds no instance: nothing to plan.
        var empty = await Group(c, "OP_GROUP_EVACUATE", new { group_name = "other", iallocator = "hail" });
        Assert.Empty(FollowUps(c, empty));
    }
}

/// <summary>Balancing plans and capacity computed by the master from its configuration and the nodes' facts.</summary>
public class ClusterPlannerTests
{
    [Fact]
    public async Task ABalancePlanMovesInstancesOffTheCrowdedNodeInJobSets()
    {
        await using var c = new TestCluster();
        foreach (var n in new[] { "a.test", "b.test", "c.test", "d.test" })
            await c.AddFakeNodeAsync(n, 32768);
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.MasterNode.Offline = true);
        for (int i = 0; i < 6; i++)
            await EvacuationTests.AddDrbdAsync(c, $"vm{i}", "a.test", "b.test", memory: 2048);
        var plan = await c.Service.BalancePlanAsync(new Allocation.BalanceRequest(), CancellationToken.None);
        double ini = plan["initial_score"]!.GetValue<double>(), fin = plan["final_score"]!.GetValue<double>();
        Assert.True(fin < ini, plan.ToJsonString());
        var sets = plan["jobsets"]!.AsArray();
        Assert.NotEmpty(sets);
        Assert.Equal(plan["moves"]!.GetValue<int>(), sets.Sum(s => s!.AsArray().Count));
        var ops = sets.SelectMany(s => s!.AsArray()).SelectMany(j => j!.AsArray()).Select(o => (string)o!["OP_ID"]!).ToHashSet();
        Assert.Subset(new HashSet<string> { "OP_INSTANCE_MIGRATE", "OP_INSTANCE_FAILOVER", "OP_INSTANCE_REPLACE_DISKS" }, ops);
        // Nothing was changed by computing the plan.
        Assert.All(c.Service.ReadConfig().Instances.Values, i => Assert.Equal("a.test", c.Service.ReadConfig().Nodes[i.PrimaryNode].Name));

        var limited = await c.Service.BalancePlanAsync(new Allocation.BalanceRequest { MaxMoves = 1 }, CancellationToken.None);
        Assert.Equal(1, limited["moves"]!.GetValue<int>());
    }

    [Fact]
    public async Task CapacityCountsHowManyMoreInstancesFit()
    {
        await using var c = new TestCluster();
        await c.AddFakeNodeAsync("a.test", 16384 + 512);
        await c.AddFakeNodeAsync("b.test", 16384 + 512);
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.MasterNode.Offline = true);
        var result = await c.Service.CapacityAsync(new Allocation.CapacityRequest
        {
            DiskTemplate = "diskless", Standard = new HTools.Model.ISpec(4096, 1, 1024, 1, 1, 1),
        }, CancellationToken.None);
        // Each node reports 16384 MiB free. Diskless instances cannot fail over, so the cluster
        // must be able to re-create either node's instances on the other: 2 + 1 fit, 2 + 2 would not.
        var count = result["standard"]!["count"]!.GetValue<int>();
        Assert.Equal(3, count);
        Assert.Equal("diskless", (string)result["disk_template"]!);
        Assert.True(result["tiered"]!["count"]!.GetValue<int>() >= count / 2);
    }

    [Fact]
    public async Task AnUnknownGroupIsReported()
    {
        await using var c = new TestCluster();
        var e = await Assert.ThrowsAsync<Core.Errors.GanetiException>(() =>
            c.Service.BalancePlanAsync(new Allocation.BalanceRequest { Group = "nosuch" }, CancellationToken.None));
        Assert.Contains("nosuch", e.Message);
    }
}
