using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage;
using Ganeti.NodeHelpers.Storage.Ext;
using Ganeti.NodeHelpers.Tests.TestSupport;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Storage;

public sealed class ExtStorageDriverTests : IDisposable
{
    private readonly TempRoot root = new();
    private readonly ExtStorageDriver driver;
    private readonly string volumes;

    public ExtStorageDriverTests()
    {
        TestExtProvider.Write(root.Paths.ExtStorageDir);
        volumes = root.Dir("volumes");
        driver = new ExtStorageDriver(() => [root.Paths.ExtStorageDir], root.Paths, ProcessCommandRunner.Instance);
    }

    public void Dispose() => root.Dispose();

    private DiskSpec Volume(string name, long size = 16) => new()
    {
        Uuid = "vol-uuid-" + name,
        Name = "data",
        DevType = "ext",
        Provider = "loopfiles",
        LogicalId = [Disks.Json("loopfiles"), Disks.Json(name)],
        SizeMiB = size,
        Params = new() { ["dir"] = Disks.Json(volumes), ["access"] = Disks.Json("kernelspace") },
    };

    [Fact]
    public async Task A_provider_creates_attaches_grows_snapshots_and_removes_a_volume()
    {
        var disk = Volume("vol1");
        var made = await driver.CreateAsync(disk, new DiskCreateRequest("i", 16, true), default);
        try
        {
            Assert.StartsWith("/dev/loop", made.Path);
            Assert.Equal("file:" + Path.Combine(volumes, "vol1"), made.Uri);
            var env = TestOs.ReadEnv(Path.Combine(volumes, "vol1.create-env"));
            Assert.Equal("vol1", env["VOL_NAME"]);
            Assert.Equal("16", env["VOL_SIZE"]);
            Assert.Equal("data", env["VOL_CNAME"]);
            Assert.Equal("vol-uuid-vol1", env["VOL_UUID"]);
            Assert.Equal(volumes, env["EXTP_DIR"]);
            Assert.Equal("kernelspace", env["EXTP_ACCESS"]);
            Assert.DoesNotContain("HOME", env.Keys);

            await driver.GrowAsync(disk, 16, false, default);
            Assert.Equal(32L << 20, BlockDevices.SizeBytes(made.Path));
            await driver.SetInfoAsync(disk with { SizeMiB = 32 }, "originstname+inst1", default);
            Assert.Equal("originstname+inst1\n", File.ReadAllText(Path.Combine(volumes, "vol1.meta")));
            var snap = await driver.SnapshotAsync(disk, "vol1.snap", default);
            Assert.Equal("vol1.snap", snap[1].GetString());
            Assert.True(File.Exists(Path.Combine(volumes, "vol1.snap")));
            await driver.ShutdownAsync(disk, default);
            Assert.StartsWith("/dev/loop", (await driver.AssembleAsync(disk, "i", true, default)).Path);
        }
        finally
        {
            await driver.RemoveAsync(disk, default);
        }
        Assert.False(File.Exists(Path.Combine(volumes, "vol1")));
    }

    [Fact]
    public async Task A_provider_that_exits_non_zero_fails_the_create_and_leaves_no_volume()
    {
        var e = await Assert.ThrowsAsync<GanetiException>(() => driver.CreateAsync(Volume("fail-1"), new DiskCreateRequest("i", 8, true), default));
        Assert.Contains("exited with code 5", e.Message);
        Assert.Contains("out of quota", e.Message);
        Assert.False(File.Exists(Path.Combine(volumes, "fail-1")));
    }

    [Fact]
    public async Task Verify_runs_the_provider_check_and_refuses_unknown_parameters()
    {
        await driver.VerifyAsync("loopfiles", new Dictionary<string, System.Text.Json.JsonElement> { ["dir"] = Disks.Json(volumes) }, default);
        var e = await Assert.ThrowsAsync<GanetiException>(() => driver.VerifyAsync("loopfiles",
            new Dictionary<string, System.Text.Json.JsonElement> { ["dir"] = Disks.Json("/nonexistent") }, default));
        Assert.Contains("does not exist", e.Message);
        await Assert.ThrowsAsync<GanetiException>(() => driver.VerifyAsync("loopfiles",
            new Dictionary<string, System.Text.Json.JsonElement> { ["colour"] = Disks.Json("red") }, default));
    }

    [Fact]
    public async Task A_provider_missing_a_required_script_is_refused()
    {
        File.Delete(Path.Combine(root.Paths.ExtStorageDir, "loopfiles", "setinfo"));
        var e = await Assert.ThrowsAsync<GanetiException>(() => driver.CreateAsync(Volume("v"), new DiskCreateRequest("i", 8, true), default));
        Assert.Contains("'setinfo'", e.Message);
    }
}
