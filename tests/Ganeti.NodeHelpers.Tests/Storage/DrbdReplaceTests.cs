using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage.Drbd;
using Ganeti.NodeHelpers.Storage.Lvm;
using Ganeti.NodeHelpers.Tests.TestSupport;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Storage;

/// <summary>
/// What replace-disks asks of the drbd driver: local volumes detached from and attached to an
/// assembled minor, the mirror disconnected from its peer and connected to a (new) one; against
/// recorded /proc/drbd (minor 0 connected, 2 unconfigured, 4 standalone and diskless).
/// </summary>
public sealed class DrbdReplaceTests
{
    private static DiskSpec Lv(string name, long size) => new()
    {
        Uuid = name, DevType = "plain", LogicalId = [Disks.Json("xenvgtest"), Disks.Json(name)], SizeMiB = size,
    };

    private static DiskSpec Drbd(int minor) => new()
    {
        Uuid = "drbd-disk",
        DevType = "drbd",
        SizeMiB = 100,
        LogicalId = [Disks.Json("node1-uuid"), Disks.Json("node2-uuid"), Disks.Json(11000), Disks.Json(minor), Disks.Json(7), Disks.Json("s3cr3t")],
        Children = [Lv("new.disk0_data", 100), Lv("new.disk0_meta", 128)],
        DynamicParams = new()
        {
            ["local_node_ip"] = Disks.Json("192.0.2.1"), ["remote_node_ip"] = Disks.Json("192.0.2.3"),
            ["local_minor"] = Disks.Json(minor), ["remote_minor"] = Disks.Json(7),
        },
    };

    private static (DrbdDriver Driver, RecordingCommandRunner Runner) Make()
    {
        var runner = new RecordingCommandRunner()
            .On("lvs", [.. LvmReports.Common, "-o", "lv_name,vg_name,lv_size,lv_attr"], c =>
                new CommandResult(c, 0, $"  {c.Arguments[^1].Split('/')[1]}|xenvgtest|100.00|-wi-a-----\n", "", false));
        var text = Recorded.Read("drbd/proc_drbd-8.4.txt");
        return (new DrbdDriver(runner, new LvmDriver(runner), _ => Task.FromResult(text)), runner);
    }

    private static List<string> Changes(RecordingCommandRunner r) => [.. r.CommandLines.Where(l => !l.StartsWith("lvs ", StringComparison.Ordinal))];

    [Fact]
    public async Task Detaching_the_local_volumes_runs_drbdsetup_detach_on_the_minor()
    {
        var (driver, runner) = Make();
        await driver.DetachLocalAsync(Drbd(0), default);
        Assert.Equal(["drbdsetup detach 0"], Changes(runner));
    }

    [Fact]
    public async Task Attaching_new_volumes_initialises_their_metadata_then_attaches_them()
    {
        var (driver, runner) = Make();
        await driver.AttachLocalAsync(Drbd(4), "inst1", onPrimary: false, initMeta: true, default);
        Assert.Equal(
        [
            "drbdmeta --force /dev/drbd4 v08 /dev/xenvgtest/new.disk0_meta flex-external create-md",
            "drbdsetup attach 4 /dev/xenvgtest/new.disk0_data /dev/xenvgtest/new.disk0_meta flexible --on-io-error=detach --size 100m",
            "drbdsetup disk-options 4 --resync-rate 61440",
        ], Changes(runner));
    }

    [Fact]
    public async Task Reattaching_old_volumes_keeps_their_metadata()
    {
        var (driver, runner) = Make();
        await driver.AttachLocalAsync(Drbd(4), "inst1", onPrimary: false, initMeta: false, default);
        Assert.DoesNotContain(runner.CommandLines, l => l.StartsWith("drbdmeta", StringComparison.Ordinal));
        Assert.StartsWith("drbdsetup attach 4 ", Changes(runner)[0]);
    }

    [Fact]
    public async Task A_minor_that_is_not_assembled_is_refused_and_nothing_runs()
    {
        var (driver, runner) = Make();
        foreach (var step in new Func<Task>[]
        {
            () => driver.DetachLocalAsync(Drbd(2), default),
            () => driver.AttachLocalAsync(Drbd(2), "inst1", false, true, default),
            () => driver.DisconnectNetAsync(Drbd(2), default),
            () => driver.AttachNetAsync(Drbd(2), dualPrimary: false, default),
        })
        {
            var e = await Assert.ThrowsAsync<GanetiException>(step);
            Assert.Equal(ErrorCodes.WrongState, e.Ecode);
            Assert.Contains("minor 2 is not assembled", e.Message);
        }
        Assert.Empty(Changes(runner));
    }
}
