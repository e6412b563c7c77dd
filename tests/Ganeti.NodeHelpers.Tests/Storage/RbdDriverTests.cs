using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage;
using Ganeti.NodeHelpers.Storage.Rbd;
using Ganeti.NodeHelpers.Tests.TestSupport;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Storage;

/// <summary>The rbd driver against recorded rbd/ceph JSON; commands are recorded, not run.</summary>
public sealed class RbdDriverTests
{
    private const string Image = "9a3b5c6e-1111-4c3e-9d2a-0a1b2c3d4e5f.rbd.disk0";

    private static DiskSpec Rbd(string name = Image, string access = "kernelspace") => new()
    {
        Uuid = "u",
        DevType = "rbd",
        SizeMiB = 1024,
        LogicalId = [Disks.Json("rbd"), Disks.Json(name)],
        Params = new() { ["pool"] = Disks.Json("rbd"), ["access"] = Disks.Json(access) },
    };

    private static RecordingCommandRunner Ceph() => new RecordingCommandRunner()
        .On("rbd", ["showmapped"], Recorded.Read("rbd/showmapped-16.json"))
        .On("rbd", ["info"], "", 2, "rbd: error opening image x: (2) No such file or directory")
        .On("ceph", ["df"], Recorded.Read("rbd/df-16.json"));

    [Fact]
    public void Both_showmapped_formats_parse()
    {
        Assert.Equal(2, RbdOutput.ParseShowMapped(Recorded.Read("rbd/showmapped-16.json")).Count);
        Assert.Equal(new RbdMapping("rbd", Image, "-", "/dev/rbd0"), Assert.Single(RbdOutput.ParseShowMapped(Recorded.Read("rbd/showmapped-luminous.json"))));
    }

    [Fact]
    public async Task A_mapped_image_assembles_to_its_device_and_a_new_one_is_created_and_mapped()
    {
        var runner = Ceph();
        var driver = new RbdDriver(runner);
        var dev = await driver.AssembleAsync(Rbd(), "i", true, default);
        Assert.Equal(new AttachedDisk("/dev/rbd0", "rbd:rbd/" + Image), dev);

        runner.On("rbd", ["map"], "/dev/rbd2\n");
        var made = await driver.CreateAsync(Rbd("new.rbd.disk0"), new DiskCreateRequest("i", 1024, true), default);
        Assert.Equal("/dev/rbd2", made.Path);
        Assert.Contains("rbd create -p rbd new.rbd.disk0 --size 1024", runner.CommandLines);
        Assert.Contains("rbd map -p rbd new.rbd.disk0", runner.CommandLines);
    }

    [Fact]
    public async Task Userspace_access_gives_qemu_a_uri_and_maps_nothing()
    {
        var runner = Ceph().On("rbd", ["info"], "{}");
        var dev = await new RbdDriver(runner).AssembleAsync(Rbd(access: "userspace"), "i", true, default);
        Assert.Equal("rbd:rbd/" + Image, dev.Uri);
        Assert.DoesNotContain(runner.CommandLines, l => l.StartsWith("rbd map", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Remove_unmaps_then_removes_and_a_missing_image_is_not_an_error()
    {
        var runner = Ceph();
        await new RbdDriver(runner).RemoveAsync(Rbd(), default);
        Assert.DoesNotContain(runner.CommandLines, l => l.StartsWith("rbd rm", StringComparison.Ordinal));
        runner.On("rbd", ["info"], "{}");
        await new RbdDriver(runner).RemoveAsync(Rbd(), default);
        Assert.Equal(["rbd unmap /dev/rbd0", "rbd rm -p rbd " + Image], runner.CommandLines.TakeLast(2));
    }

    [Fact]
    public async Task Pool_space_comes_from_ceph_df()
    {
        var space = Assert.Single(await new RbdDriver(Ceph()).GetSpaceAsync([new StorageUnit("rados", "rbd")], default));
        Assert.Equal(new StorageSpace("rados", "rbd", (10737418240 + 91730051072) >> 20, 91730051072 >> 20), space);
    }
}
