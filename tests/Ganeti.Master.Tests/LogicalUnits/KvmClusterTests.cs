using System.Text.Json.Nodes;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;
using Ganeti.NodeHelpers.Tests.Hypervisors.Kvm;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>
/// A single-node cluster with kvm enabled runs real qemu guests (TCG) through the master:
/// hvparams layered from the cluster and the instance, live state from QMP.
/// </summary>
[Collection(KvmClusterCollection.Name)]
public class KvmClusterTests
{
    private static async Task<(string? Status, long? Ram)> LiveAsync(TestCluster c, string name)
    {
        var r = await c.Service.QueryAsync("instance", ["status", "oper_ram"], new JsonArray("=", "name", name), CancellationToken.None);
        return (r.Data[0][0].Value?.GetValue<string>(), r.Data[0][1].Value?.GetValue<long>());
    }

    [Fact]
    public async Task AKvmInstanceIsCreatedStartedRebootedStoppedAndRemoved()
    {
        await using var c = new TestCluster(hypervisors: ["kvm", "fake"], hvparams: new()
        {
            ["kvm"] = TestGuest.KvmHvparams(),
        });
        var create = TestCluster.Create("vm1", extra: new { hypervisor = "kvm", hvparams = new { kernel_args = "quiet" }, beparams = new { memory = 96 } });
        create["nics"] = new JsonArray();
        var job = await c.RunSlowAsync(create, 180);
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());

        var inst = c.Service.ReadConfig().FindInstance("vm1")!;
        Assert.NotNull(inst.NetworkPort);
        Assert.Equal(["kernel_args"], inst.Hvparams.Keys);
        var (status, ram) = await LiveAsync(c, "vm1");
        Assert.Equal("running", status);
        Assert.Equal(96, ram);
        var pidFile = Directory.GetFiles(Path.Combine(c.Paths.KvmHypervisorDir, "pid")).Single();
        var pid = int.Parse(File.ReadAllText(pidFile).Trim());
        Assert.Contains("qemu", File.ReadAllText($"/proc/{pid}/cmdline"));

        var console = await c.RunAsync(TestCluster.Op("OP_INSTANCE_CONSOLE", new { instance_name = "vm1" }));
        Assert.True(console.CalcStatus() == JobStatus.Success, console.Ops[0].Result?.ToJsonString());
        var info = console.Ops[0].Result!;
        Assert.Equal("ssh", info["kind"]!.GetValue<string>());
        Assert.Equal("node1.test", info["host"]!.GetValue<string>());
        Assert.Contains("socat", info["command"]!.ToJsonString());
        Assert.Contains(".serial", info["command"]!.ToJsonString());
        var viaQuery = await c.Service.QueryAsync("instance", ["console"], null, CancellationToken.None);
        Assert.Equal("ssh", viaQuery.Data[0][0].Value!["kind"]!.GetValue<string>());

        var reboot = await c.RunSlowAsync(TestCluster.Op("OP_INSTANCE_REBOOT", new { instance_name = "vm1", reboot_type = "hard" }), 180);
        Assert.True(reboot.CalcStatus() == JobStatus.Success, reboot.Ops[0].Result?.ToJsonString());
        Assert.Equal("running", (await LiveAsync(c, "vm1")).Status);

        var stop = await c.RunSlowAsync(TestCluster.Op("OP_INSTANCE_SHUTDOWN", new { instance_name = "vm1", timeout = 15 }), 180);
        Assert.True(stop.CalcStatus() == JobStatus.Success, stop.Ops[0].Result?.ToJsonString());
        Assert.Equal("ADMIN_down", (await LiveAsync(c, "vm1")).Status);

        var remove = await c.RunAsync(TestCluster.Op("OP_INSTANCE_REMOVE", new { instance_name = "vm1" }));
        Assert.Equal(JobStatus.Success, remove.CalcStatus());
        Assert.Null(c.Service.ReadConfig().FindInstance("vm1"));
        Assert.False(Directory.Exists($"/proc/{pid}") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("qemu"));
    }

    [Fact]
    public async Task BadKvmParametersAreRefusedBeforeAnythingIsMade()
    {
        await using var c = new TestCluster(hypervisors: ["kvm"]);
        var create = TestCluster.Create("vm2", extra: new { hypervisor = "kvm", hvparams = new { disk_cache = "sometimes" } });
        var job = await c.RunAsync(create);
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        Assert.Contains("disk_cache", job.Ops[0].Result!.ToJsonString());
        Assert.Empty(c.Service.ReadConfig().Instances);
    }

    /// <summary>
    /// Ganeti's layering on a real guest: cluster hvparams (set with cluster modify), then
    /// os_hvp for the OS, then os_hvp for the OS variant, then the instance's own.
    /// </summary>
    [Fact]
    public async Task ClusterOsVariantAndInstanceHvparamsEachWinOnTheQemuCommandLine()
    {
        await using var c = new TestCluster(hypervisors: ["kvm"], hvparams: new()
        {
            ["kvm"] = TestGuest.KvmHvparams(),
        });
        c.AddOs("layered", variants: ["big", "small"]);
        async Task Modify(object fields)
        {
            var job = await c.RunSlowAsync(TestCluster.Op("OP_CLUSTER_SET_PARAMS", fields), 60);
            Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        }
        await Modify(new { hvparams = new { kvm = new { kernel_args = "layer=cluster", serial_speed = 9600, kvm_extra = "-rtc base=utc" } } });
        await Modify(new
        {
            os_hvp = new Dictionary<string, object>
            {
                ["layered"] = new { kvm = new { kernel_args = "layer=os", serial_speed = 57600, usb_mouse = "tablet" } },
                ["layered+small"] = new { kvm = new { kernel_args = "layer=variant", serial_speed = 115200 } },
            },
        });
        var create = TestCluster.Create("vm3", os: "layered+small",
            extra: new { hypervisor = "kvm", hvparams = new { kernel_args = "layer=instance" }, beparams = new { memory = 96 } });
        create["nics"] = new JsonArray();
        var created = await c.RunSlowAsync(create, 180);
        Assert.True(created.CalcStatus() == JobStatus.Success, created.Ops[0].Result?.ToJsonString());

        var pid = int.Parse(File.ReadAllText(Directory.GetFiles(Path.Combine(c.Paths.KvmHypervisorDir, "pid")).Single()).Trim());
        var argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        var append = argv[Array.IndexOf(argv, "-append") + 1];
        Assert.Contains("layer=instance", append); // the instance's own beats every layer
        Assert.DoesNotContain("layer=variant", append);
        Assert.Contains("console=ttyS0,115200", append); // the variant's os_hvp beats the OS's and the cluster's
        Assert.Contains(argv, a => a.Contains("usb-tablet", StringComparison.Ordinal)); // the OS's os_hvp beats the cluster's
        Assert.Equal("base=utc", argv[Array.IndexOf(argv, "-rtc") + 1]); // the cluster's, where nothing overrides it

        var q = await c.Service.QueryAsync("instance", ["hvparams", "custom_hvparams"], new JsonArray("=", "name", "vm3"), CancellationToken.None);
        var filled = q.Data[0][0].Value!;
        Assert.Equal("layer=instance", filled["kernel_args"]!.GetValue<string>());
        Assert.Equal(115200, filled["serial_speed"]!.GetValue<long>());
        Assert.Equal("tablet", filled["usb_mouse"]!.GetValue<string>());
        Assert.Equal("""{"kernel_args":"layer=instance"}""", q.Data[0][1].Value!.ToJsonString());

        // A cluster change reaches the instance at its next start, with a warning now.
        var warn = await c.RunSlowAsync(TestCluster.Op("OP_CLUSTER_SET_PARAMS",
            new { os_hvp = new Dictionary<string, object> { ["layered+small"] = new { kvm = new { serial_speed = "default" } } } }), 60);
        Assert.Contains(warn.Ops[0].Log, l => l.Message.Contains("vm3", StringComparison.Ordinal) && l.Message.Contains("restarted", StringComparison.Ordinal));
        var reboot = await c.RunSlowAsync(TestCluster.Op("OP_INSTANCE_REBOOT", new { instance_name = "vm3", reboot_type = "hard" }), 180);
        Assert.True(reboot.CalcStatus() == JobStatus.Success, reboot.Ops[0].Result?.ToJsonString());
        pid = int.Parse(File.ReadAllText(Directory.GetFiles(Path.Combine(c.Paths.KvmHypervisorDir, "pid")).Single()).Trim());
        Assert.Contains("console=ttyS0,57600", File.ReadAllText($"/proc/{pid}/cmdline"));

        var remove = await c.RunSlowAsync(TestCluster.Op("OP_INSTANCE_REMOVE", new { instance_name = "vm3", shutdown_timeout = 0 }), 120);
        Assert.Equal(JobStatus.Success, remove.CalcStatus());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KvmClusterCollection
{
    public const string Name = "kvm cluster";
}
