using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Core.Paths;
using Ganeti.Master.Tests.TestSupport;
using Ganeti.NodeHelpers.Processes;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>
/// gnt-instance migrate and failover of drbd instances between two nodes whose storage tools
/// run through the recording command layer and a model of their DRBD state (this kernel has
/// no DRBD): the target is always the secondary; a live migration lets the mirror have two
/// primaries only while the guest moves; failover brings the disks down and up with roles
/// swapped; whatever fails half-way leaves the instance on its source with one primary.
/// </summary>
public class DrbdMigrationTests
{
    private sealed record Lab(TestCluster C, FakeStorageNode N2, FakeStorageNode N3) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => C.DisposeAsync();
    }

    private static async Task<Lab> LabAsync(bool start = true)
    {
        var (c, n2, n3) = await FakeStorageNode.DrbdClusterAsync();
        var job = await c.RunAsync(TestCluster.Create("db1", "drbd", 100, start: start,
            extra: new { pnode = "node2.test", snode = "node3.test" }));
        AssertOk(job);
        return new Lab(c, n2, n3);
    }

    private static void AssertOk(Job job) =>
        Assert.True(job.CalcStatus() == JobStatus.Success,
            string.Join("; ", job.Ops.Select(o => o.Result?.ToJsonString())) + "\n" +
            string.Join("\n", job.Ops.SelectMany(o => o.Log).Select(l => l.Message)));

    private static GanetiException Error(Job job)
    {
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        return GanetiException.FromWire(job.Ops[0].Result)!;
    }

    private static JsonObject Op(string id, object fields) => TestCluster.Op(id, fields);

    private static JsonObject Migrate(object? extra = null) => With(Op("OP_INSTANCE_MIGRATE", new { instance_name = "db1" }), extra);

    private static JsonObject Failover(object? extra = null) => With(Op("OP_INSTANCE_FAILOVER", new { instance_name = "db1" }), extra);

    private static JsonObject With(JsonObject op, object? extra)
    {
        if (extra is not null)
            foreach (var (k, v) in System.Text.Json.JsonSerializer.SerializeToNode(extra)!.AsObject())
                op[k] = v?.DeepClone();
        return op;
    }

    private static (string Primary, string Secondary) Nodes(TestCluster c)
    {
        var cfg = c.Service.ReadConfig();
        var inst = cfg.FindInstance("db1")!;
        return (cfg.Nodes[inst.PrimaryNode].Name, cfg.Nodes[cfg.SecondaryNodes(inst).Single()].Name);
    }

    private static bool RunsOn(TestCluster c, string node)
    {
        var root = c.Service.ReadConfig().FindNode(node)!.RootDir;
        return File.Exists(Path.Combine(new GanetiPaths(root).FakeHypervisorDir, "db1"));
    }

    /// <summary>The mirror of db1 (minor 0 on both nodes) has one primary, on <paramref name="primary"/>, and is connected single-primary.</summary>
    private static void AssertSinglePrimary(FakeStorageNode primary, FakeStorageNode secondary)
    {
        Assert.Equal((true, "Connected", false), primary.Minors[0]);
        Assert.Equal((false, "Connected", false), secondary.Minors[0]);
    }

    /// <summary>Asserts that <paramref name="expected"/> occur in <paramref name="lines"/> in this order (others may come between).</summary>
    private static void AssertInOrder(IReadOnlyList<string> lines, params Func<string, bool>[] expected)
    {
        var at = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            while (at < lines.Count && !expected[i](lines[at])) at++;
            Assert.True(at < lines.Count, $"step {i} not found in order in:\n{string.Join("\n", lines)}");
            at++;
        }
    }

    private static Func<string, bool> Is(string line) => l => l == line;

    private static Func<string, bool> StartsWith(string prefix, bool dual) => l =>
        l.StartsWith(prefix, StringComparison.Ordinal) && l.Contains("--allow-two-primaries") == dual;

    [Fact]
    public async Task LiveMigrationMovesTheGuestToTheSecondaryThroughADualPrimaryMirrorAndSwapsTheRoles()
    {
        await using var lab = await LabAsync();
        var (c, n2, n3) = lab;
        var diskBefore = c.Service.ReadConfig().Disks.Values.Single();
        var idBefore = string.Join(",", diskBefore.LogicalId.Select(x => x.ToString()));
        AssertSinglePrimary(n2, n3);
        var (before2, before3) = (n2.Lines("drbdsetup").Count, n3.Lines("drbdsetup").Count);

        var job = await c.RunAsync(Migrate());
        AssertOk(job);

        Assert.Equal(("node3.test", "node2.test"), Nodes(c));
        Assert.True(RunsOn(c, "node3.test"));
        Assert.False(RunsOn(c, "node2.test"));
        AssertSinglePrimary(n3, n2);
        // The disk keeps its logical id: both nodes, the port, the minors and the secret stay.
        var disk = c.Service.ReadConfig().Disks.Values.Single();
        Assert.Equal(idBefore, string.Join(",", disk.LogicalId.Select(x => x.ToString())));
        Assert.Equal(diskBefore.Nodes, disk.Nodes);

        var source = n2.Lines("drbdsetup").Skip(before2).ToList();
        var target = n3.Lines("drbdsetup").Skip(before3).ToList();
        // The target goes dual-primary and is promoted before the guest moves, then the source is demoted and the
        // mirror returns to a single primary.
        AssertInOrder(target,
            StartsWith("drbdsetup disconnect ", false), StartsWith("drbdsetup connect resource0 ", true), Is("drbdsetup primary 0"),
            StartsWith("drbdsetup disconnect ", false), StartsWith("drbdsetup connect resource0 ", false));
        AssertInOrder(source,
            StartsWith("drbdsetup disconnect ", false), StartsWith("drbdsetup connect resource0 ", true), Is("drbdsetup secondary 0"),
            StartsWith("drbdsetup disconnect ", false), StartsWith("drbdsetup connect resource0 ", false));
        Assert.DoesNotContain(source, l => l.StartsWith("drbdsetup down", StringComparison.Ordinal));
        Assert.DoesNotContain(target, l => l.StartsWith("drbdsetup down", StringComparison.Ordinal));
        var log = job.Ops[0].Log.Select(l => l.Message).ToList();
        AssertInOrder(log, Is("* changing disks into dual-master mode"), Is("* migrating instance to node3.test"),
            Is("* switching node node2.test to secondary mode"), Is("* changing disks into single-master mode"), Is("* done"));

        // And back again: the old primary is now the secondary, the only place it can go.
        AssertOk(await c.RunAsync(Migrate()));
        Assert.Equal(("node2.test", "node3.test"), Nodes(c));
        AssertSinglePrimary(n2, n3);
        Assert.True(RunsOn(c, "node2.test"));
    }

    [Fact]
    public async Task ADrbdInstanceMovesOnlyToItsSecondary()
    {
        await using var lab = await LabAsync();
        var c = lab.C;
        await c.AddFakeNodeAsync("node4.test", 8192);
        var elsewhere = Error(await c.RunAsync(Migrate(new { target_node = "node4.test" })));
        Assert.Equal(ErrorCodes.WrongInput, elsewhere.Ecode);
        Assert.Contains("cannot be migrated to arbitrary nodes", elsewhere.Message);
        Assert.Contains("secondary node node3.test", elsewhere.Message);
        var allocator = Error(await c.RunAsync(Failover(new { iallocator = "hail" })));
        Assert.Contains("cannot be failed over to arbitrary nodes", allocator.Message);

        // Naming the secondary itself is fine.
        AssertOk(await c.RunAsync(Migrate(new { target_node = "node3.test" })));
        Assert.Equal(("node3.test", "node2.test"), Nodes(c));
    }

    [Fact]
    public async Task AFailedTransferLeavesTheGuestOnTheSourceAndTheMirrorSinglePrimary()
    {
        await using var lab = await LabAsync();
        var (c, n2, n3) = lab;
        c.Intercept("node2.test", NodeProcedures.InstanceGetMigrationStatus,
            _ => new JsonObject { ["status"] = "failed", ["error"] = "connection reset by peer" });
        var job = await c.RunAsync(Migrate());
        var error = Error(job);
        Assert.Contains("connection reset by peer", error.Message);

        Assert.Equal(("node2.test", "node3.test"), Nodes(c));
        Assert.True(RunsOn(c, "node2.test"));
        Assert.False(RunsOn(c, "node3.test"));
        AssertSinglePrimary(n2, n3);
        var log = job.Ops[0].Log.Select(l => l.Message).ToList();
        AssertInOrder(log, Is("* changing disks into dual-master mode"), Is("Migration failed, aborting"),
            Is("* switching node node3.test to secondary mode"), Is("* changing disks into single-master mode"));
    }

    [Fact]
    public async Task ATargetThatCannotBePromotedLeavesEverythingOnTheSource()
    {
        await using var lab = await LabAsync();
        var (c, n2, n3) = lab;
        n3.FailDrbdsetup(cmd => cmd.Arguments[0] == "primary" ? "0: State change failed: (-2) Need access to UpToDate data" : null);
        var error = Error(await c.RunAsync(Migrate()));
        Assert.Contains("Need access to UpToDate data", error.Message);
        n3.FailDrbdsetup(null);

        Assert.Equal(("node2.test", "node3.test"), Nodes(c));
        Assert.True(RunsOn(c, "node2.test"));
        AssertSinglePrimary(n2, n3);
        // The mirror is usable again: a second attempt succeeds.
        AssertOk(await c.RunAsync(Migrate()));
        AssertSinglePrimary(n3, n2);
    }

    [Fact]
    public async Task WhenTheSourceCannotBeDemotedTheErrorSaysWhereTheGuestRunsAndCleanupRepairsTheMirror()
    {
        await using var lab = await LabAsync();
        var (c, n2, n3) = lab;
        n2.FailDrbdsetup(cmd => cmd.Arguments[0] == "secondary" ? "0: State change failed: (-12) Device is held open by someone" : null);
        var error = Error(await c.RunAsync(Migrate()));
        Assert.Contains("now runs on node node3.test", error.Message);
        Assert.Contains("could not return to single-primary mode", error.Message);
        Assert.Contains("cleanup", error.Message);
        Assert.Equal(("node3.test", "node2.test"), Nodes(c));
        Assert.True(RunsOn(c, "node3.test"));
        Assert.Equal((true, "Connected", true), n2.Minors[0]);

        n2.FailDrbdsetup(null);
        var cleanup = await c.RunAsync(Migrate(new { cleanup = true }));
        AssertOk(cleanup);
        Assert.Contains(cleanup.Ops[0].Log, l => l.Message == "* instance confirmed to be running on its primary node (node3.test)");
        Assert.Equal(("node3.test", "node2.test"), Nodes(c));
        AssertSinglePrimary(n3, n2);
    }

    [Fact]
    public async Task WithoutDualPrimaryTheKernelModelRefusesASecondPrimary()
    {
        // The model the tests above rely on refuses what DRBD refuses: two primaries on a single-primary link.
        await using var lab = await LabAsync();
        var result = await lab.N3.Runner.RunAsync(new CommandSpec("drbdsetup", "primary", "0"), CancellationToken.None);
        Assert.Equal(11, result.ExitCode);
        Assert.Contains("Multiple primaries not allowed", result.Stderr);
    }

    [Fact]
    public async Task FailoverStopsOnThePrimaryAndStartsOnTheSecondaryWithTheRolesSwapped()
    {
        await using var lab = await LabAsync();
        var (c, n2, n3) = lab;
        var before3 = n3.Lines("drbdsetup").Count;
        var job = await c.RunAsync(Failover());
        AssertOk(job);

        Assert.Equal(("node3.test", "node2.test"), Nodes(c));
        Assert.True(RunsOn(c, "node3.test"));
        Assert.False(RunsOn(c, "node2.test"));
        AssertSinglePrimary(n3, n2);
        Assert.DoesNotContain(n3.Lines("drbdsetup").Skip(before3), l => l.Contains("--allow-two-primaries"));
        var log = job.Ops[0].Log.Select(l => l.Message).ToList();
        AssertInOrder(log, Is("* checking disk consistency between source and target"), Is("* shutting down instance on source node"),
            Is("* deactivating the instance's disks on source node"), Is("* starting the instance on the target node node3.test"));
    }

    [Fact]
    public async Task FailoverRefusesADegradedTargetUnlessConsistencyIsIgnored()
    {
        await using var lab = await LabAsync();
        var (c, n2, n3) = lab;
        var port = c.Service.ReadConfig().Disks.Values.Single().LogicalId[2].GetInt32();
        // The source drops the link: the target waits for its peer, its data possibly stale.
        await n2.Runner.RunAsync(new CommandSpec("drbdsetup", "disconnect", $"ipv4:127.0.0.1:{port}", $"ipv4:127.0.0.1:{port}"),
            CancellationToken.None);
        Assert.Equal("WFConnection", n3.Minors[0].State);

        var refused = Error(await c.RunAsync(Failover()));
        Assert.Contains("Disk 0 is degraded on target node node3.test, aborting failover", refused.Message);
        Assert.Equal(("node2.test", "node3.test"), Nodes(c));
        Assert.True(RunsOn(c, "node2.test"));

        var forced = await c.RunAsync(Failover(new { ignore_consistency = true }));
        AssertOk(forced);
        Assert.Contains(forced.Ops[0].Log, l => l.Message.StartsWith("Warning: disk 0 is degraded on target node", StringComparison.Ordinal));
        Assert.Equal(("node3.test", "node2.test"), Nodes(c));
        Assert.True(RunsOn(c, "node3.test"));
        AssertSinglePrimary(n3, n2);
    }

    [Fact]
    public async Task FailoverAwayFromAnOfflinePrimaryStartsTheSecondaryAlone()
    {
        await using var lab = await LabAsync();
        var (c, n2, n3) = lab;
        n2.PowerOff();
        c.SetDown("node2.test", true);
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.FindNode("node2.test")!.Offline = true);

        var job = await c.RunAsync(Failover());
        AssertOk(job);
        Assert.Equal(("node3.test", "node2.test"), Nodes(c));
        Assert.True(RunsOn(c, "node3.test"));
        Assert.Equal((true, "WFConnection", false), n3.Minors[0]);
        Assert.Contains(job.Ops[0].Log, l => l.Message == "Node node2.test is offline, ignoring degraded disk 0 on target node node3.test");
        Assert.Contains(job.Ops[0].Log, l => l.Message == "Warning: not activating disk/0 on offline secondary node node2.test");
    }

    [Fact]
    public async Task AStoppedDrbdInstanceFailsOverWithoutStarting()
    {
        await using var lab = await LabAsync(start: false);
        var (c, n2, n3) = lab;
        AssertOk(await c.RunAsync(Failover()));
        Assert.Equal(("node3.test", "node2.test"), Nodes(c));
        Assert.False(RunsOn(c, "node3.test"));
        Assert.Empty(n2.Minors);
        Assert.Empty(n3.Minors);
    }
}
