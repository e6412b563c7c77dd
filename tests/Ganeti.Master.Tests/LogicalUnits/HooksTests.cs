using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Core.Paths;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>
/// Hook scripts in etc/ganeti/hooks/&lt;path&gt;-&lt;phase&gt;.d run on the operation's nodes with
/// Ganeti's environment: a failing pre hook stops the operation before anything changes, a
/// failing post hook is a warning.
/// </summary>
public class HooksTests
{
    private static void AssertOk(Job job) => Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());

    /// <summary>A hook script that records its GANETI_* environment in &lt;hooks&gt;/ran.&lt;name&gt;, then runs <paramref name="then"/>.</summary>
    private static string Hook(GanetiPaths node, string hpath, string phase, string name, string then = "exit 0")
    {
        var dir = Path.Combine(node.HooksDir, $"{hpath}-{phase}.d");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name);
        File.WriteAllText(file, $"#!/bin/sh\nenv | grep '^GANETI_' | sort > \"{node.HooksDir}/ran.{hpath}.{phase}.{name}\"\n{then}\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return Path.Combine(node.HooksDir, $"ran.{hpath}.{phase}.{name}");
    }

    private static Dictionary<string, string> Env(string recorded) =>
        File.ReadAllLines(recorded).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    [Fact]
    public async Task InstanceStartRunsPreAndPostHooksWithGanetisEnvironment()
    {
        await using var c = new TestCluster();
        AssertOk(await c.RunAsync(TestCluster.Create("vm1", start: false)));
        var pre = Hook(c.Paths, "instance-start", "pre", "10-record");
        var post = Hook(c.Paths, "instance-start", "post", "10-record");

        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_STARTUP", new { instance_name = "vm1" })));
        var env = Env(pre);
        Assert.Equal("2", env["GANETI_HOOKS_VERSION"]);
        Assert.Equal("pre", env["GANETI_HOOKS_PHASE"]);
        Assert.Equal("instance-start", env["GANETI_HOOKS_PATH"]);
        Assert.Equal("OP_INSTANCE_STARTUP", env["GANETI_OP_CODE"]);
        Assert.Equal("INSTANCE", env["GANETI_OBJECT_TYPE"]);
        Assert.Equal("test.cluster", env["GANETI_CLUSTER"]);
        Assert.Equal("node1.test", env["GANETI_MASTER"]);
        Assert.Equal("vm1", env["GANETI_INSTANCE_NAME"]);
        Assert.Equal("node1.test", env["GANETI_INSTANCE_PRIMARY"]);
        Assert.Equal("fake", env["GANETI_INSTANCE_HYPERVISOR"]);
        Assert.Equal("diskless", env["GANETI_INSTANCE_DISK_TEMPLATE"]);
        Assert.Equal("1", env["GANETI_INSTANCE_NIC_COUNT"]);
        Assert.Equal(c.Paths.DataDir, env["GANETI_DATA_DIR"]);
        Assert.DoesNotContain("GANETI_POST_INSTANCE_NAME", env.Keys);

        env = Env(post);
        Assert.Equal("post", env["GANETI_HOOKS_PHASE"]);
        Assert.Equal("vm1", env["GANETI_INSTANCE_NAME"]);
        Assert.Equal("vm1", env["GANETI_POST_INSTANCE_NAME"]);
    }

    [Fact]
    public async Task AFailingPreHookStopsTheOperationBeforeAnythingChanges()
    {
        await using var c = new TestCluster();
        AssertOk(await c.RunAsync(TestCluster.Create("vm1", start: false)));
        Hook(c.Paths, "instance-start", "pre", "20-veto", "echo 'maintenance window closed'; exit 1");
        var post = Hook(c.Paths, "instance-start", "post", "10-record");

        var job = await c.RunAsync(TestCluster.Op("OP_INSTANCE_STARTUP", new { instance_name = "vm1" }));
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        var e = GanetiException.FromWire(job.Ops[0].Result)!;
        Assert.Equal("HooksFailure", e.ErrorClass);
        Assert.Contains("Failure in hook 20-veto on node node1.test: maintenance window closed", e.Message);
        Assert.Equal("down", c.Service.ReadConfig().FindInstance("vm1")!.AdminState);
        Assert.False(File.Exists(post));
    }

    [Fact]
    public async Task AFailingPostHookIsAWarningAndScriptsWithOtherNamesAreSkipped()
    {
        await using var c = new TestCluster();
        var skippedName = Hook(c.Paths, "instance-add", "pre", "setup.sh", "exit 1");
        var notExecutable = Hook(c.Paths, "instance-add", "pre", "30-plain");
        File.SetUnixFileMode(Path.Combine(c.Paths.HooksDir, "instance-add-pre.d", "30-plain"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Hook(c.Paths, "instance-add", "post", "90-notify", "echo 'mail relay down' >&2; exit 3");

        var job = await c.RunAsync(TestCluster.Create("vm1", start: false));
        AssertOk(job);
        Assert.Contains(job.Ops[0].Log, l => l.Message == "Warning: Failure in hook 90-notify on node node1.test: mail relay down");
        Assert.False(File.Exists(skippedName));
        Assert.False(File.Exists(notExecutable));
        Assert.NotNull(c.Service.ReadConfig().FindInstance("vm1"));
    }

    [Fact]
    public async Task HooksRunOnTheInstancesNodesAndADryRunRunsNone()
    {
        await using var c = new TestCluster();
        var node2 = await c.AddFakeNodeAsync("node2.test", 8192);
        var onMaster = Hook(c.Paths, "instance-add", "pre", "10-record");
        var onNode2 = Hook(node2, "instance-add", "post", "10-record");

        var dry = TestCluster.Create("vm1", start: false);
        dry["pnode"] = "node2.test";
        dry["dry_run"] = true;
        AssertOk(await c.RunAsync(dry));
        Assert.False(File.Exists(onMaster));

        var create = TestCluster.Create("vm1", start: false);
        create["pnode"] = "node2.test";
        AssertOk(await c.RunAsync(create));
        Assert.Equal("node2.test", Env(onMaster)["GANETI_INSTANCE_PRIMARY"]);
        Assert.Equal("create", Env(onNode2)["GANETI_INSTANCE_ADD_MODE"]);
    }

    [Fact]
    public async Task NodeAndMigrationHooksNameTheirTargets()
    {
        await using var c = new TestCluster();
        await c.AddFakeNodeAsync("node2.test", 8192);
        AssertOk(await c.RunAsync(TestCluster.Create("vm1")));
        var migrate = Hook(c.Paths, "instance-migrate", "pre", "10-record");
        var modify = Hook(c.Paths, "node-modify", "post", "10-record");

        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_MIGRATE", new { instance_name = "vm1", target_node = "node2.test" })));
        var env = Env(migrate);
        Assert.Equal("node1.test", env["GANETI_OLD_PRIMARY"]);
        Assert.Equal("node2.test", env["GANETI_NEW_PRIMARY"]);
        Assert.Equal("True", env["GANETI_MIGRATE_LIVE"]);

        AssertOk(await c.RunAsync(TestCluster.Op("OP_NODE_SET_PARAMS", new { node_name = "node2.test", drained = true })));
        env = Env(modify);
        Assert.Equal("node2.test", env["GANETI_OP_TARGET"]);
        Assert.Equal("True", env["GANETI_DRAINED"]);
        Assert.Equal("NODE", env["GANETI_OBJECT_TYPE"]);
    }
}
