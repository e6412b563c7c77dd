using Ganeti.NodeHelpers.Os;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Tests.TestSupport;

namespace Ganeti.NodeHelpers.Tests.Os;

/// <summary>
/// Debian's ganeti-instance-debootstrap, unchanged, installing Debian onto a file disk
/// attached as a loop device. Slow and needs a Debian mirror (or the apt proxy), so it runs
/// only with GANETI_TEST_DEBOOTSTRAP=1. The node's defaults file is what an administrator
/// would set: the suite, the mirror, and no partition table (partitions need kpartx, that is
/// device-mapper, which this kernel lacks). It is restored afterwards.
/// </summary>
public sealed class DebootstrapOsTests : OsTestBase
{
    private const string Defaults = "/etc/default/ganeti-instance-debootstrap";

    [Fact]
    public async Task Debootstrap_installs_debian_that_mounts_and_holds_the_hostname()
    {
        Require.Debootstrap();
        var saved = File.Exists(Defaults) ? await File.ReadAllTextAsync(Defaults) : null;
        var mirror = Environment.GetEnvironmentVariable("GANETI_TEST_DEBIAN_MIRROR") ?? "http://deb.debian.org/debian";
        await File.WriteAllTextAsync(Defaults,
            $"SUITE=\"bookworm\"\nMIRROR=\"{mirror}\"\nPARTITION_STYLE=\"none\"\nGENERATE_CACHE=\"yes\"\nCLEAN_CACHE=\"14\"\n");
        var image = Path.Combine(Root.FileStorageDir, "deb1.example.com", "disk0");
        Directory.CreateDirectory(Path.GetDirectoryName(image)!);
        await using (var f = new FileStream(image, FileMode.CreateNew))
            f.SetLength(1L << 30);
        await using var loop = await LoopDevice.CreateAsync(image, 1024);
        var mnt = Root.Dir("mnt");
        try
        {
            var disk = Disks.File(image, 1024) with { Path = loop.Device };
            var instance = Instances.With("debootstrap+default", disk, "deb1.example.com");
            instance = instance with
            {
                Hvparams = new(instance.Hvparams) { ["serial_console"] = Disks.Json(true) },
                Osparams = new() { ["filesystem"] = Disks.Json("ext4") },
            };
            Runner = new OsRunner(new OsDiscovery(["/usr/share/ganeti/os"]), Root.Paths, ProcessCommandRunner.Instance,
                new OsScriptTimeouts { Create = TimeSpan.FromMinutes(40) });
            var log = await Runner.CreateAsync(instance, false, 0, default);
            Assert.True(File.Exists(log));

            var mount = await ProcessCommandRunner.Instance.RunAsync(new CommandSpec("mount", "-o", "ro", loop.Device, mnt), default);
            Assert.True(mount.Succeeded, mount.FailureReason);
            try
            {
                Assert.Equal("deb1.example.com\n", await File.ReadAllTextAsync(Path.Combine(mnt, "etc", "hostname")));
                Assert.Contains("bookworm", await File.ReadAllTextAsync(Path.Combine(mnt, "etc", "os-release")));
                Assert.Contains("ttyS0", await File.ReadAllTextAsync(Path.Combine(mnt, "etc", "inittab")).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "ttyS0 (no inittab: systemd)"));
            }
            finally
            {
                await ProcessCommandRunner.Instance.RunAsync(new CommandSpec("umount", mnt), default);
            }
        }
        finally
        {
            if (saved is null)
                File.Delete(Defaults);
            else
                await File.WriteAllTextAsync(Defaults, saved);
        }
    }
}
