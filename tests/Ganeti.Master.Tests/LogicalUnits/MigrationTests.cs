using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Core.Paths;
using Ganeti.Master.Tests.TestSupport;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>
/// gnt-instance migrate and failover across in-process nodes running the fake hypervisor: the
/// instance moves and the configuration follows; refusals name the problem; a migration that
/// fails half-way leaves the guest on the source and the configuration unchanged.
/// </summary>
public class MigrationTests
{
    private static async Task<TestCluster> TwoNodesAsync(string instance = "vm1", bool start = true, object? extra = null)
    {
        var c = new TestCluster();
        await c.AddFakeNodeAsync("node2.test", 8192);
        var job = await c.RunAsync(TestCluster.Create(instance, start: start, extra: extra));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        return c;
    }

    private static JsonObject Migrate(string instance, object? extra = null)
    {
        var op = TestCluster.Op("OP_INSTANCE_MIGRATE", new { instance_name = instance });
        if (extra is not null)
            foreach (var (k, v) in JsonSerializer.SerializeToNode(extra)!.AsObject())
                op[k] = v?.DeepClone();
        return op;
    }

    private static JsonObject Failover(string instance, object? extra = null)
    {
        var op = Migrate(instance, extra);
        op["OP_ID"] = "OP_INSTANCE_FAILOVER";
        return op;
    }

    private static string PrimaryOf(TestCluster c, string instance)
    {
        var cfg = c.Service.ReadConfig();
        return cfg.Nodes[cfg.FindInstance(instance)!.PrimaryNode].Name;
    }

    /// <summary>The fake hypervisor's state file of the instance on a node, if it runs there.</summary>
    private static string StateFile(TestCluster c, string node, string instance)
    {
        var cfg = c.Service.ReadConfig();
        var root = cfg.FindNode(node)!.RootDir;
        var paths = node == "node1.test" ? c.Paths : new GanetiPaths(root);
        return Path.Combine(paths.FakeHypervisorDir, instance);
    }

    private static bool RunsOn(TestCluster c, string node, string instance) => File.Exists(StateFile(c, node, instance));

    private static GanetiException Error(Job job)
    {
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        return GanetiException.FromWire(job.Ops[0].Result)!;
    }

    [Fact]
    public async Task ARunningInstanceIsMigratedLiveAndTheConfigurationFollows()
    {
        await using var c = await TwoNodesAsync();
        Assert.True(RunsOn(c, "node1.test", "vm1"));

        var job = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test" }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        Assert.Equal("node2.test", PrimaryOf(c, "vm1"));
        Assert.True(RunsOn(c, "node2.test", "vm1"));
        Assert.False(RunsOn(c, "node1.test", "vm1"));
        var log = job.Ops[0].Log.Select(l => l.Message).ToList();
        Assert.Contains("* preparing node2.test to accept the instance", log);
        Assert.Contains("* migrating instance to node2.test", log);
        Assert.Contains(log, l => l.StartsWith("* memory transfer complete", StringComparison.Ordinal));
        Assert.Equal("* done", log[^1]);

        var info = await c.Service.QueryAsync("instance", ["status", "pnode"], new JsonArray("=", "name", "vm1"), CancellationToken.None);
        Assert.Equal("running", info.Data[0][0].Value!.GetValue<string>());
        Assert.Equal("node2.test", info.Data[0][1].Value!.GetValue<string>());

        // And back, non-live this time.
        var back = await c.RunAsync(Migrate("vm1", new { target_node = "node1.test", mode = "non-live" }));
        Assert.True(back.CalcStatus() == JobStatus.Success, back.Ops[0].Result?.ToJsonString());
        Assert.Equal("node1.test", PrimaryOf(c, "vm1"));
        Assert.True(RunsOn(c, "node1.test", "vm1"));
        Assert.False(RunsOn(c, "node2.test", "vm1"));
    }

    [Fact]
    public async Task TheSourceIsToldWhetherTheMigrationIsLive()
    {
        await using var c = await TwoNodesAsync();
        var seen = new List<bool>();
        c.Intercept("node1.test", NodeProcedures.InstanceMigrate, args =>
        {
            seen.Add(args!["live"]!.GetValue<bool>());
            return null;
        });
        Assert.Equal(JobStatus.Success, (await c.RunAsync(Migrate("vm1", new { target_node = "node2.test", live = false }))).CalcStatus());
        c.StopIntercepting("node1.test", NodeProcedures.InstanceMigrate);
        c.Intercept("node2.test", NodeProcedures.InstanceMigrate, args =>
        {
            seen.Add(args!["live"]!.GetValue<bool>());
            return null;
        });
        Assert.Equal(JobStatus.Success, (await c.RunAsync(Migrate("vm1", new { target_node = "node1.test" }))).CalcStatus());
        Assert.Equal([false, true], seen);

        var both = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test", live = true, mode = "live" }));
        Assert.Equal(ErrorCodes.WrongInput, Error(both).Ecode);
    }

    [Fact]
    public async Task ASourceThatPausesTheGuestForTheCopyIsReportedAndFinalizedAsNonLive()
    {
        await using var c = await TwoNodesAsync();
        c.Intercept("node1.test", NodeProcedures.InstanceMigrate, _ => new JsonObject { ["live"] = false });
        var finalized = new List<bool>();
        c.Intercept("node1.test", NodeProcedures.InstanceFinalizeMigrationSrc, args =>
        {
            finalized.Add(args!["live"]!.GetValue<bool>());
            File.Delete(StateFile(c, "node1.test", "vm1"));
            return null;
        });
        var job = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test", mode = "live" }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("paused during the copy (non-live)"));
        Assert.Equal([false], finalized);
        Assert.Equal("node2.test", PrimaryOf(c, "vm1"));
    }

    [Fact]
    public async Task AFailureDuringTheTransferLeavesTheGuestOnTheSourceAndRemovesTheTargetsCopy()
    {
        await using var c = await TwoNodesAsync();
        c.Intercept("node1.test", NodeProcedures.InstanceGetMigrationStatus,
            _ => new JsonObject { ["status"] = "failed", ["error"] = "connection reset by peer" });
        var job = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test" }));
        var error = Error(job);
        Assert.Contains("Could not migrate instance vm1", error.Message);
        Assert.Contains("connection reset by peer", error.Message);
        Assert.Contains(job.Ops[0].Log, l => l.Message == "Migration failed, aborting");

        Assert.Equal("node1.test", PrimaryOf(c, "vm1"));
        Assert.True(RunsOn(c, "node1.test", "vm1"));
        Assert.False(RunsOn(c, "node2.test", "vm1"));
    }

    [Fact]
    public async Task ATargetThatCannotAcceptOrASourceThatCannotSendLeavesEverythingAsItWas()
    {
        await using var c = await TwoNodesAsync();
        c.Intercept("node2.test", NodeProcedures.AcceptInstance, _ => throw GanetiException.Exec("qemu exited right after starting"));
        var job = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test" }));
        Assert.Contains("Could not pre-migrate instance vm1: qemu exited right after starting", Error(job).Message);
        Assert.Equal("node1.test", PrimaryOf(c, "vm1"));
        Assert.True(RunsOn(c, "node1.test", "vm1"));
        c.StopIntercepting("node2.test", NodeProcedures.AcceptInstance);

        c.Intercept("node1.test", NodeProcedures.InstanceMigrate, _ => throw GanetiException.Exec("migrate: Connection refused"));
        job = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test" }));
        Assert.Contains("Connection refused", Error(job).Message);
        Assert.Equal("node1.test", PrimaryOf(c, "vm1"));
        Assert.True(RunsOn(c, "node1.test", "vm1"));
        Assert.False(RunsOn(c, "node2.test", "vm1"));
    }

    [Fact]
    public async Task ATargetThatCannotResumeTheGuestHandsItBackToTheSource()
    {
        await using var c = await TwoNodesAsync();
        var calls = new List<bool>();
        c.Intercept("node2.test", NodeProcedures.InstanceFinalizeMigrationDst, args =>
        {
            calls.Add(args!["success"]!.GetValue<bool>());
            if (args["success"]!.GetValue<bool>()) throw GanetiException.Exec("The migrated instance vm1 is not running on the target node");
            File.Delete(StateFile(c, "node2.test", "vm1"));
            return null;
        });
        var job = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test" }));
        Assert.Contains("not running on the target node", Error(job).Message);
        Assert.Equal([true, false], calls);
        Assert.Equal("node1.test", PrimaryOf(c, "vm1"));
        Assert.True(RunsOn(c, "node1.test", "vm1"));
    }

    [Fact]
    public async Task MigrationRefusesBadTargetsAndInstancesItCannotMove()
    {
        await using var c = await TwoNodesAsync();
        await c.AddFakeNodeAsync("node3.test", 8192);

        var same = Error(await c.RunAsync(Migrate("vm1", new { target_node = "node1.test" })));
        Assert.Equal(ErrorCodes.WrongState, same.Ecode);
        Assert.Contains("to its primary (node1.test)", same.Message);

        var unknown = Error(await c.RunAsync(Migrate("vm1", new { target_node = "nosuch.test" })));
        Assert.Equal(ErrorCodes.UnknownEntity, unknown.Ecode);

        var none = Error(await c.RunAsync(Migrate("vm1")));
        Assert.Equal(ErrorCodes.WrongInput, none.Ecode);
        Assert.Contains("target node or an iallocator", none.Message);

        var both = Error(await c.RunAsync(Migrate("vm1", new { target_node = "node2.test", iallocator = "hail" })));
        Assert.Equal(ErrorCodes.WrongInput, both.Ecode);

        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.FindNode("node2.test")!.Offline = true);
        var offline = Error(await c.RunAsync(Migrate("vm1", new { target_node = "node2.test" })));
        Assert.Equal(ErrorCodes.WrongState, offline.Ecode);
        Assert.Contains("offline node node2.test", offline.Message);

        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.FindNode("node3.test")!.Drained = true);
        var drained = Error(await c.RunAsync(Failover("vm1", new { target_node = "node3.test" })));
        Assert.Equal(ErrorCodes.WrongState, drained.Ecode);
        Assert.Contains("drained node node3.test", drained.Message);

        Assert.Equal("node1.test", PrimaryOf(c, "vm1"));
        Assert.True(RunsOn(c, "node1.test", "vm1"));
    }

    [Fact]
    public async Task AStoppedInstanceIsNotMigratedUnlessFailoverIsAllowed()
    {
        await using var c = await TwoNodesAsync(start: false);
        var refused = Error(await c.RunAsync(Migrate("vm1", new { target_node = "node2.test" })));
        Assert.Equal(ErrorCodes.WrongState, refused.Ecode);
        Assert.Contains("not running", refused.Message);

        var job = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test", allow_failover = true }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("switching to failover"));
        Assert.Equal("node2.test", PrimaryOf(c, "vm1"));
        Assert.False(RunsOn(c, "node2.test", "vm1"));
    }

    [Fact]
    public async Task AnInstanceMarkedUpButNotRunningIsNotMigrated()
    {
        await using var c = await TwoNodesAsync();
        File.Delete(StateFile(c, "node1.test", "vm1"));
        var refused = Error(await c.RunAsync(Migrate("vm1", new { target_node = "node2.test" })));
        Assert.Equal(ErrorCodes.WrongState, refused.Ecode);
        Assert.Contains("please use failover", refused.Message);
        Assert.Equal("node1.test", PrimaryOf(c, "vm1"));
    }

    [Fact]
    public async Task NodeLocalDiskTemplatesCannotBeMigratedOrFailedOver()
    {
        await using var c = await TwoNodesAsync("vm2");
        var file = await c.RunAsync(TestCluster.Create("vm3", "file", diskSize: 8));
        Assert.True(file.CalcStatus() == JobStatus.Success, file.Ops[0].Result?.ToJsonString());
        var migrate = Error(await c.RunAsync(Migrate("vm3", new { target_node = "node2.test" })));
        Assert.Equal(ErrorCodes.WrongState, migrate.Ecode);
        Assert.Contains("disk layout 'file' does not allow migrations", migrate.Message);
        var failover = Error(await c.RunAsync(Failover("vm3", new { target_node = "node2.test" })));
        Assert.Contains("does not allow failovers", failover.Message);
        Assert.Equal("node1.test", PrimaryOf(c, "vm3"));
    }

    [Fact]
    public async Task FailoverStopsTheInstanceOnTheSourceAndStartsItOnTheTarget()
    {
        await using var c = await TwoNodesAsync();
        var job = await c.RunAsync(Failover("vm1", new { target_node = "node2.test", shutdown_timeout = 5 }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        Assert.Equal("node2.test", PrimaryOf(c, "vm1"));
        Assert.True(RunsOn(c, "node2.test", "vm1"));
        Assert.False(RunsOn(c, "node1.test", "vm1"));
        var log = job.Ops[0].Log.Select(l => l.Message).ToList();
        Assert.Contains("* shutting down instance on source node", log);
        Assert.Contains("* starting the instance on the target node node2.test", log);

        var cleanup = Error(await c.RunAsync(Failover("vm1", new { target_node = "node1.test", cleanup = true })));
        Assert.Equal(ErrorCodes.WrongInput, cleanup.Ecode);
    }

    [Fact]
    public async Task FailoverAwayFromAnOfflinePrimaryNeedsNoAnswerFromIt()
    {
        await using var c = new TestCluster();
        await c.AddFakeNodeAsync("node2.test", 8192);
        await c.AddFakeNodeAsync("node3.test", 8192);
        var create = TestCluster.Create("vm1");
        create["pnode"] = "node2.test";
        Assert.Equal(JobStatus.Success, (await c.RunAsync(create)).CalcStatus());
        c.SetDown("node2.test", true);
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.FindNode("node2.test")!.Offline = true);

        var job = await c.RunAsync(Failover("vm1", new { target_node = "node3.test" }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        Assert.Equal("node3.test", PrimaryOf(c, "vm1"));
        Assert.True(RunsOn(c, "node3.test", "vm1"));
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("primary node node2.test is offline"));
    }

    [Fact]
    public async Task FailoverStopsWhenTheSourceCannotStopTheInstanceUnlessConsistencyIsIgnored()
    {
        await using var c = await TwoNodesAsync();
        c.Intercept("node1.test", NodeProcedures.InstanceShutdown, _ => throw GanetiException.Exec("qemu does not answer"));
        var refused = Error(await c.RunAsync(Failover("vm1", new { target_node = "node2.test" })));
        Assert.Contains("Could not shutdown instance vm1 on node node1.test", refused.Message);
        Assert.Equal("node1.test", PrimaryOf(c, "vm1"));

        var forced = await c.RunAsync(Failover("vm1", new { target_node = "node2.test", ignore_consistency = true }));
        Assert.True(forced.CalcStatus() == JobStatus.Success, forced.Ops[0].Result?.ToJsonString());
        Assert.Equal("node2.test", PrimaryOf(c, "vm1"));
        Assert.Contains(forced.Ops[0].Log, l => l.Message.StartsWith("Warning: could not shutdown", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HailChoosesTheTargetOfASharedStorageInstance()
    {
        await using var c = await TwoNodesAsync();
        await c.AddFakeNodeAsync("tiny.test", 700);
        var job = await c.RunAsync(Migrate("vm1", new { iallocator = "hail" }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        Assert.Equal("node2.test", PrimaryOf(c, "vm1"));
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("Selected node node2.test as target"));
    }

    [Fact]
    public async Task ASharedFileInstanceMigratesWithItsDisks()
    {
        await using var c = new TestCluster();
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.Cluster.EnabledDiskTemplates.Add("sharedfile"));
        await c.AddFakeNodeAsync("node2.test", 8192);
        var create = await c.RunAsync(TestCluster.Create("vm1", "sharedfile", diskSize: 8));
        Assert.True(create.CalcStatus() == JobStatus.Success, create.Ops[0].Result?.ToJsonString());

        var job = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test" }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        var cfg = c.Service.ReadConfig();
        var inst = cfg.FindInstance("vm1")!;
        var node2 = cfg.FindNode("node2.test")!.Uuid;
        Assert.Equal(node2, inst.PrimaryNode);
        Assert.All(cfg.InstanceDisks(inst), d => Assert.Equal([node2], d.Nodes));
        Assert.Equal([node2], cfg.InstanceNodes(inst));
        Assert.Contains("* opening instance disks on node node2.test", job.Ops[0].Log.Select(l => l.Message));
    }

    [Fact]
    public async Task CleanupAdoptsAMigrationThatFinishedWithoutTheConfiguration()
    {
        await using var c = await TwoNodesAsync();
        // The guest reached node2 but the master died before recording it.
        Directory.CreateDirectory(Path.GetDirectoryName(StateFile(c, "node2.test", "vm1"))!);
        File.Move(StateFile(c, "node1.test", "vm1"), StateFile(c, "node2.test", "vm1"));

        var job = await c.RunAsync(Migrate("vm1", new { cleanup = true }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        Assert.Equal("node2.test", PrimaryOf(c, "vm1"));
        Assert.Contains(job.Ops[0].Log, l => l.Message == "* instance running on secondary node (node2.test), updating config");
    }

    [Fact]
    public async Task CleanupOfAnInterruptedMigrationKeepsTheSourceAndRemovesTheTargetsCopy()
    {
        await using var c = await TwoNodesAsync();
        // The target accepted (a paused copy) and then the master went away.
        Directory.CreateDirectory(Path.GetDirectoryName(StateFile(c, "node2.test", "vm1"))!);
        File.WriteAllText(StateFile(c, "node2.test", "vm1"),
            JsonSerializer.Serialize(new { Memory = 128, Vcpus = 1, State = "paused", Started = 0.0 }));

        var job = await c.RunAsync(Migrate("vm1", new { cleanup = true, target_node = "node2.test" }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        Assert.Equal("node1.test", PrimaryOf(c, "vm1"));
        Assert.True(RunsOn(c, "node1.test", "vm1"));
        Assert.False(RunsOn(c, "node2.test", "vm1"));
        Assert.Contains(job.Ops[0].Log, l => l.Message == "* instance confirmed to be running on its primary node (node1.test)");

        // Running nowhere is reported, not guessed.
        File.Delete(StateFile(c, "node1.test", "vm1"));
        var nowhere = Error(await c.RunAsync(Migrate("vm1", new { cleanup = true })));
        Assert.Contains("does not seem to be running at all", nowhere.Message);
    }

    /// <summary>The node reports this version of the fake hypervisor (and room for the guest).</summary>
    private static void ReportVersion(TestCluster c, string node, string version) =>
        c.Intercept(node, NodeProcedures.NodeInfo, _ => JsonSerializer.SerializeToNode(new Remoting.NodeRpc.Messages.NodeInfoResult
        {
            Name = node,
            Hypervisors = new()
            {
                ["fake"] = new Remoting.NodeRpc.Messages.HvNodeInfo { MemoryTotal = 8192, MemoryFree = 8000, CpuTotal = 4, Version = version },
            },
        }, Core.Json.GanetiJson.Options));

    [Fact]
    public async Task AnOlderHypervisorOnTheTargetIsRefusedUnlessToldToIgnoreVersions()
    {
        await using var c = await TwoNodesAsync();
        ReportVersion(c, "node1.test", "8.1.3");
        ReportVersion(c, "node2.test", "7.2.22");

        var refused = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test" }));
        var e = Error(refused);
        Assert.Equal(ErrorCodes.WrongState, e.Ecode);
        Assert.Contains("between hypervisor versions (8.1.3 on node1.test to 7.2.22 on node2.test)", e.Message);
        Assert.Contains("ignore_hvversions", e.Message);
        Assert.Equal("node1.test", PrimaryOf(c, "vm1"));
        Assert.True(RunsOn(c, "node1.test", "vm1"));
        Assert.False(RunsOn(c, "node2.test", "vm1"));

        var job = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test", ignore_hvversions = true }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        var log = job.Ops[0].Log.Select(l => l.Message).ToList();
        Assert.Contains("* warning: hypervisor version mismatch between source (8.1.3) and target (7.2.22) node", log);
        Assert.Contains("  continuing anyway (told to ignore version mismatch)", log);
        Assert.Equal("node2.test", PrimaryOf(c, "vm1"));
    }

    [Fact]
    public async Task ANewerHypervisorOnTheTargetIsAWarningOnlyAndTheSameReleaseIsNotMentioned()
    {
        await using var c = await TwoNodesAsync();
        ReportVersion(c, "node1.test", "7.2.1");
        ReportVersion(c, "node2.test", "8.0.0");
        var job = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test" }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        var log = job.Ops[0].Log.Select(l => l.Message).ToList();
        Assert.Contains("  migrating from hypervisor version 7.2.1 to 8.0.0 should be safe", log);

        ReportVersion(c, "node1.test", "8.0.0");
        var back = await c.RunAsync(Migrate("vm1", new { target_node = "node1.test" }));
        Assert.True(back.CalcStatus() == JobStatus.Success, back.Ops[0].Result?.ToJsonString());
        Assert.DoesNotContain(back.Ops[0].Log, l => l.Message.Contains("version", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("kvm", "8.2.0", "7.2.22", "", false)]
    [InlineData("kvm", "8.2.0", "7.2.22", "pc-i440fx-7.2", true)]
    [InlineData("kvm", "8.2.0", "7.2.22", "q35", false)]
    [InlineData("kvm", "7.2.1", "7.2.22", "", true)]
    [InlineData("kvm", "7.2.22", "7.2.1", "", true)]
    [InlineData("xen-pvm", "4.17", "4.16", "", false)]
    [InlineData("kvm", "7.2", "unknown", "", false)]
    public void VersionRules(string hypervisor, string source, string target, string machine, bool safe)
    {
        var hv = new Dictionary<string, JsonElement> { ["machine_version"] = JsonSerializer.SerializeToElement(machine) };
        var verdict = Master.LogicalUnits.Instance.HypervisorVersions.CheckMigration(hypervisor, source, target, hv);
        Assert.Equal(safe, verdict is null);
    }

    [Fact]
    public async Task TheTargetGroupsInstancePolicyIsCheckedUnlessToldToIgnoreIt()
    {
        await using var c = await TwoNodesAsync();
        await c.Daemon.Context.Config.UpdateAsync(cfg =>
        {
            // node2 sits in a group whose policy allows at most 64 MiB of memory.
            var g = new Core.Config.NodeGroup { Uuid = Guid.NewGuid().ToString(), Name = "small" };
            g.Ipolicy["minmax"] = JsonSerializer.SerializeToElement(new[]
            {
                new
                {
                    min = new Dictionary<string, int> { ["memory-size"] = 0, ["cpu-count"] = 1, ["disk-count"] = 0, ["disk-size"] = 0, ["nic-count"] = 0, ["spindle-use"] = 0 },
                    max = new Dictionary<string, int> { ["memory-size"] = 64, ["cpu-count"] = 8, ["disk-count"] = 16, ["disk-size"] = 1048576, ["nic-count"] = 8, ["spindle-use"] = 12 },
                },
            });
            cfg.Nodegroups[g.Uuid] = g;
            cfg.FindNode("node2.test")!.Group = g.Uuid;
        });

        var refused = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test" }));
        var e = Error(refused);
        Assert.Contains("instance policy of node group small", e.Message);
        Assert.Contains("memory size", e.Message);
        Assert.True(RunsOn(c, "node1.test", "vm1"));

        var failover = await c.RunAsync(Failover("vm1", new { target_node = "node2.test" }));
        Assert.Contains("instance policy of node group small", Error(failover).Message);
        Assert.Equal("node1.test", PrimaryOf(c, "vm1"));

        var job = await c.RunAsync(Migrate("vm1", new { target_node = "node2.test", ignore_ipolicy = true }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        Assert.Contains(job.Ops[0].Log, l => l.Message.StartsWith("Warning: Instance vm1 does not meet the instance policy", StringComparison.Ordinal));
        Assert.Equal("node2.test", PrimaryOf(c, "vm1"));
    }
}
