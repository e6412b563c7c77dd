using System.Text.Json.Nodes;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;
using Ganeti.NodeHelpers.Tests.Hypervisors.Kvm;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>gnt-instance modify on a real qemu guest (TCG): hvparams at the next start, runtime memory at once.</summary>
[Collection(KvmClusterCollection.Name)]
public class InstanceModifyKvmTests
{
    private static async Task<long?> RamAsync(TestCluster c, string name)
    {
        var r = await c.Service.QueryAsync("instance", ["oper_ram"], new JsonArray("=", "name", name), CancellationToken.None);
        return r.Data[0][0].Value?.GetValue<long>();
    }

    private static string QemuCommandLine(TestCluster c)
    {
        var pid = int.Parse(File.ReadAllText(Directory.GetFiles(Path.Combine(c.Paths.KvmHypervisorDir, "pid")).Single()).Trim());
        return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
    }

    private static void Succeeded(Job job) =>
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());

    [Fact]
    public async Task AModifiedHvparamShowsOnTheQemuCommandLineAfterRestartAndRuntimeMemoryBalloonsTheGuest()
    {
        await using var c = new TestCluster(hypervisors: ["kvm", "fake"], hvparams: new()
        {
            ["kvm"] = TestGuest.KvmHvparams(),
        });
        var create = TestCluster.Create("vm1", extra: new
        {
            hypervisor = "kvm", hvparams = new { kernel_args = "quiet" }, beparams = new { minmem = 64, maxmem = 128 },
        });
        create["nics"] = new JsonArray();
        Succeeded(await c.RunSlowAsync(create, 180));
        Assert.DoesNotContain("gnt_modified", QemuCommandLine(c));

        // The guest's balloon driver gives memory back; qemu reports the new size.
        Succeeded(await c.RunSlowAsync(TestCluster.Op("OP_INSTANCE_SET_PARAMS", new { instance_name = "vm1", runtime_mem = 80 }), 120));
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await RamAsync(c, "vm1") != 80 && DateTime.UtcNow < deadline)
            await Task.Delay(500);
        Assert.Equal(80, await RamAsync(c, "vm1"));

        // An hvparam changed on the running instance applies at its next start.
        var modify = await c.RunSlowAsync(TestCluster.Op("OP_INSTANCE_SET_PARAMS",
            new { instance_name = "vm1", hvparams = new { kernel_args = "quiet gnt_modified=1" } }), 120);
        Succeeded(modify);
        Assert.Contains(modify.Ops[0].Log, l => l.Message.Contains("next restarted"));
        Assert.DoesNotContain("gnt_modified", QemuCommandLine(c));
        Succeeded(await c.RunSlowAsync(TestCluster.Op("OP_INSTANCE_SHUTDOWN", new { instance_name = "vm1", timeout = 15 }), 180));
        Succeeded(await c.RunSlowAsync(TestCluster.Op("OP_INSTANCE_STARTUP", new { instance_name = "vm1" }), 180));
        Assert.Contains("gnt_modified=1", QemuCommandLine(c));

        Succeeded(await c.RunSlowAsync(TestCluster.Op("OP_INSTANCE_REMOVE", new { instance_name = "vm1" }), 180));
    }
}
