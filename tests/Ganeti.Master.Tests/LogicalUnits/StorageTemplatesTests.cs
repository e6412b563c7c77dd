using System.Diagnostics;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>
/// sharedfile, blockdev and ext instances created, grown and removed through the master, for
/// real: files in the shared directory, loop devices adopted under /dev/disk/, and an
/// ExtStorage provider script keeping its volumes as loop-attached files. The refusals leave
/// nothing behind, neither in the configuration nor on the node.
/// </summary>
public class StorageTemplatesTests
{
    private static void AssertOk(Job job) =>
        Assert.True(job.CalcStatus() == JobStatus.Success,
            string.Join("; ", job.Ops.Select(o => o.Result?.ToJsonString())) + "\n" + string.Join("\n", job.Ops.SelectMany(o => o.Log).Select(l => l.Message)));

    private static GanetiException Failure(Job job) => GanetiException.FromWire(job.Ops[0].Result)!;

    private static async Task<TestCluster> ClusterWithAsync(string template)
    {
        var c = new TestCluster();
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.Cluster.EnabledDiskTemplates.Add(template));
        return c;
    }

    private static string DiskPath(TestCluster c, string name, int index = 0) =>
        c.Service.ReadConfig().InstanceDisks(c.Service.ReadConfig().FindInstance(name)!)[index].LogicalId[1].GetString()!;

    private static JsonObject Grow(string name, int amount) =>
        TestCluster.Op("OP_INSTANCE_GROW_DISK", new { instance_name = name, disk = 0, amount });

    private static JsonObject Remove(string name) => TestCluster.Op("OP_INSTANCE_REMOVE", new { instance_name = name });

    [Fact]
    public async Task ASharedfileInstanceLivesInTheSharedDirectoryGrowsAndIsRemoved()
    {
        await using var c = await ClusterWithAsync("sharedfile");
        AssertOk(await c.RunAsync(TestCluster.Create("sh1", "sharedfile", 8)));
        var path = DiskPath(c, "sh1");
        var shared = c.Service.ReadConfig().Cluster.SharedFileStorageDir;
        Assert.StartsWith(Path.Combine(shared, "sh1") + "/", path);
        Assert.Equal(8L << 20, new FileInfo(path).Length);

        AssertOk(await c.RunAsync(Grow("sh1", 8)));
        Assert.Equal(16L << 20, new FileInfo(path).Length);

        AssertOk(await c.RunAsync(Remove("sh1")));
        Assert.False(File.Exists(path));
        Assert.Empty(c.Service.ReadConfig().Disks);
    }

    [Fact]
    public async Task SharedfileRefusesAPathOutsideTheSharedDirectoryAndASizeTheNodeCannotHold()
    {
        await using var c = await ClusterWithAsync("sharedfile");
        var outside = await c.RunAsync(TestCluster.Create("sh2", "sharedfile", 8, extra: new { file_storage_dir = "../../etc" }));
        Assert.Equal(ErrorCodes.WrongInput, Failure(outside).Ecode);
        Assert.Contains("must be a relative path below", Failure(outside).Message);

        // 1 PiB: more than any test machine has free.
        var huge = await c.RunAsync(TestCluster.Create("sh3", "sharedfile", 1 << 30));
        Assert.Equal(JobStatus.Error, huge.CalcStatus());
        Assert.Contains("Not enough space", Failure(huge).Message);

        var cfg = c.Service.ReadConfig();
        Assert.Empty(cfg.Instances);
        Assert.Empty(cfg.Disks);
        var dir = cfg.Cluster.SharedFileStorageDir;
        Assert.True(!Directory.Exists(dir) || Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).ToList() is []);
    }

    [Fact]
    public async Task ABlockdevInstanceAdoptsLoopDevicesWhichSurviveItsRemovalAndCannotGrow()
    {
        await using var c = await ClusterWithAsync("blockdev");
        await using var loop = await AdoptableLoop.CreateAsync(Path.Combine(c.Paths.Root, "backing.img"), 16);
        var create = TestCluster.Create("bd1", "blockdev", start: true);
        create["disks"] = new JsonArray(new JsonObject { ["adopt"] = loop.Link, ["size"] = 16 });
        AssertOk(await c.RunAsync(create));
        Assert.Equal(loop.Link, DiskPath(c, "bd1"));

        var grow = await c.RunAsync(Grow("bd1", 8));
        Assert.Equal(ErrorCodes.WrongInput, Failure(grow).Ecode);

        AssertOk(await c.RunAsync(Remove("bd1")));
        Assert.Empty(c.Service.ReadConfig().Instances);
        Assert.True(File.Exists(loop.Device), "an adopted device belongs to the administrator and stays");

        // Too small for what is asked, and a device outside /dev/disk/: refused, nothing recorded.
        var tooBig = TestCluster.Create("bd2", "blockdev", start: false);
        tooBig["disks"] = new JsonArray(new JsonObject { ["adopt"] = loop.Link, ["size"] = 64 });
        var small = await c.RunAsync(tooBig);
        Assert.Equal(ErrorCodes.InsufficientResources, Failure(small).Ecode);
        var raw = TestCluster.Create("bd3", "blockdev", start: false);
        raw["disks"] = new JsonArray(new JsonObject { ["adopt"] = loop.Device });
        var outside = await c.RunAsync(raw);
        Assert.Equal(JobStatus.Error, outside.CalcStatus());
        Assert.Contains("adoptable root", Failure(outside).Message);
        Assert.Empty(c.Service.ReadConfig().Instances);
        Assert.Empty(c.Service.ReadConfig().Disks);
    }

    [Fact]
    public async Task AnExtInstanceIsMadeGrownAndRemovedByItsProviderAndAFailingProviderLeavesNothing()
    {
        await using var c = await ClusterWithAsync("ext");
        var volumes = Path.Combine(c.Paths.Root, "volumes");
        Directory.CreateDirectory(volumes);
        WriteProvider(c.Paths.ExtStorageDir, "loopfiles", failCreate: false);
        WriteProvider(c.Paths.ExtStorageDir, "broken", failCreate: true);

        var create = TestCluster.Create("ex1", "ext", start: false);
        create["disks"] = new JsonArray(new JsonObject { ["size"] = 8, ["provider"] = "loopfiles", ["dir"] = volumes });
        AssertOk(await c.RunAsync(create));
        var volume = Path.Combine(volumes, DiskPath(c, "ex1"));
        Assert.Equal(8L << 20, new FileInfo(volume).Length);
        Assert.Equal(volumes, c.Service.ReadConfig().Disks.Values.Single().Params["dir"].GetString());

        AssertOk(await c.RunAsync(Grow("ex1", 4)));
        Assert.Equal(12L << 20, new FileInfo(volume).Length);

        AssertOk(await c.RunAsync(Remove("ex1")));
        Assert.False(File.Exists(volume));

        // The second disk's provider fails: the first disk is removed again, nothing is recorded.
        var failing = TestCluster.Create("ex2", "ext", start: false);
        failing["disks"] = new JsonArray(
            new JsonObject { ["size"] = 8, ["provider"] = "loopfiles", ["dir"] = volumes },
            new JsonObject { ["size"] = 8, ["provider"] = "broken", ["dir"] = volumes });
        var job = await c.RunAsync(failing);
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        Assert.Contains("out of quota", Failure(job).Message);
        Assert.Empty(c.Service.ReadConfig().Instances);
        Assert.Empty(c.Service.ReadConfig().Disks);
        Assert.Empty(Directory.GetFiles(volumes));
        Assert.Empty(LoopDevicesOf(volumes));
    }

    /// <summary>An ExtStorage provider keeping volumes as files in $EXTP_DIR attached to loop devices.</summary>
    private static void WriteProvider(string extDir, string name, bool failCreate)
    {
        var dir = Path.Combine(extDir, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "parameters.list"), "dir Directory holding the volume files\n");
        var scripts = new Dictionary<string, string>
        {
            ["create"] = failCreate
                ? "truncate -s \"${VOL_SIZE}M\" \"$EXTP_DIR/$VOL_NAME\"\necho 'out of quota' >&2\nexit 5"
                : "set -e\ntruncate -s \"${VOL_SIZE}M\" \"$EXTP_DIR/$VOL_NAME\"",
            ["remove"] = "for d in $(losetup -j \"$EXTP_DIR/$VOL_NAME\" -O NAME -n); do losetup -d \"$d\"; done\nrm -f \"$EXTP_DIR/$VOL_NAME\"",
            ["attach"] = "set -e\ndev=$(losetup -j \"$EXTP_DIR/$VOL_NAME\" -O NAME -n | head -n1)\n[ -n \"$dev\" ] || dev=$(losetup --show -f \"$EXTP_DIR/$VOL_NAME\")\necho \"$dev\"",
            ["detach"] = "for d in $(losetup -j \"$EXTP_DIR/$VOL_NAME\" -O NAME -n); do losetup -d \"$d\"; done\nexit 0",
            ["grow"] = "set -e\ntruncate -s \"${VOL_NEW_SIZE}M\" \"$EXTP_DIR/$VOL_NAME\"\nfor d in $(losetup -j \"$EXTP_DIR/$VOL_NAME\" -O NAME -n); do losetup -c \"$d\"; done",
            ["setinfo"] = "exit 0",
            ["verify"] = "[ -d \"$EXTP_DIR\" ]",
        };
        foreach (var (script, body) in scripts)
        {
            var p = Path.Combine(dir, script);
            File.WriteAllText(p, "#!/bin/sh\n" + body + "\n");
            File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static List<string> LoopDevicesOf(string dir)
    {
        var psi = new ProcessStartInfo("losetup", ["-l", "-n", "-O", "NAME,BACK-FILE"]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return [.. text.Split('\n').Where(l => l.Contains(dir, StringComparison.Ordinal))];
    }

    /// <summary>A loop device over a sparse file, adoptable through a link under /dev/disk/by-id/ as udev would make one.</summary>
    private sealed class AdoptableLoop : IAsyncDisposable
    {
        private AdoptableLoop(string device, string link) => (Device, Link) = (device, link);

        public string Device { get; }
        public string Link { get; }

        public static async Task<AdoptableLoop> CreateAsync(string backing, int sizeMiB)
        {
            await using (var f = File.Create(backing)) f.SetLength((long)sizeMiB << 20);
            var psi = new ProcessStartInfo("losetup", ["--show", "-f", backing]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var device = (await p.StandardOutput.ReadToEndAsync()).Trim();
            await p.WaitForExitAsync();
            if (p.ExitCode != 0 || device.Length == 0)
                throw new InvalidOperationException($"losetup failed: {await p.StandardError.ReadToEndAsync()}");
            Directory.CreateDirectory("/dev/disk/by-id");
            var link = $"/dev/disk/by-id/gnt-test-{Guid.NewGuid():N}";
            File.CreateSymbolicLink(link, device);
            return new AdoptableLoop(device, link);
        }

        public async ValueTask DisposeAsync()
        {
            File.Delete(Link);
            using var p = Process.Start("losetup", ["-d", Device]);
            await p.WaitForExitAsync();
        }
    }
}
