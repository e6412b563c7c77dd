using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Storage;
using Ganeti.NodeHelpers.Storage.BlockDev;
using Ganeti.NodeHelpers.Tests.TestSupport;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Storage;

public sealed class BlockDevDriverTests : IDisposable
{
    private readonly TempRoot root = new();
    private readonly BlockDevDriver driver = new(["/dev/"]);

    public void Dispose() => root.Dispose();

    private static DiskSpec Adopt(string device, long size) => new()
    {
        Uuid = Guid.NewGuid().ToString(),
        DevType = "blockdev",
        LogicalId = [Disks.Json("manual"), Disks.Json(device)],
        SizeMiB = size,
    };

    [Fact]
    public async Task A_loop_device_is_adopted_assembled_and_left_alone_on_remove()
    {
        await using var loop = await LoopDevice.CreateAsync(Path.Combine(root.Root, "backing.img"), 32);
        var disk = Adopt(loop.Device, 32);
        var made = await driver.CreateAsync(disk, new DiskCreateRequest("i", 32, true), default);
        Assert.Equal(loop.Device, made.Path);
        Assert.True(made.IsBlockDevice);
        Assert.Equal(loop.Device, (await driver.AssembleAsync(disk, "i", true, default)).Path);
        await driver.RemoveAsync(disk, default);
        Assert.True(File.Exists(loop.Device));
        Assert.Equal(32L << 20, BlockDevices.SizeBytes(loop.Device));
    }

    [Fact]
    public async Task A_device_smaller_than_the_disk_or_missing_or_not_a_device_is_refused()
    {
        await using var loop = await LoopDevice.CreateAsync(Path.Combine(root.Root, "small.img"), 8);
        var e = await Assert.ThrowsAsync<GanetiException>(() => driver.CreateAsync(Adopt(loop.Device, 16), new DiskCreateRequest("i", 16, true), default));
        Assert.Equal(ErrorCodes.InsufficientResources, e.Ecode);
        await Assert.ThrowsAsync<GanetiException>(() => driver.CreateAsync(Adopt("/dev/nosuchdisk", 1), new DiskCreateRequest("i", 1, true), default));
        await Assert.ThrowsAsync<GanetiException>(() => driver.CreateAsync(Adopt("/dev/null", 1), new DiskCreateRequest("i", 1, true), default));
    }

    [Fact]
    public async Task Ganetis_default_only_adopts_devices_under_dev_disk_and_never_grows()
    {
        var strict = new BlockDevDriver();
        var e = await Assert.ThrowsAsync<GanetiException>(() => strict.CreateAsync(Adopt("/dev/loop0", 1), new DiskCreateRequest("i", 1, true), default));
        Assert.Contains("/dev/disk/", e.Message);
        await Assert.ThrowsAsync<GanetiException>(() => driver.GrowAsync(Adopt("/dev/loop0", 1), 1, false, default));
    }
}
