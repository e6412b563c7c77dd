using System.Diagnostics;
using Ganeti.NodeHelpers.Os;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Tests.TestSupport;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Os;

/// <summary>The project's own OS definition, os/ganeti-busybox, run as Ganeti would run it.</summary>
public sealed class BusyboxOsTests : OsTestBase
{
    public BusyboxOsTests()
    {
        Root.Context.OsSearchPath = [Requirements.RepoOsDir];
        Runner = new OsRunner(Discovery, Root.Paths, ProcessCommandRunner.Instance);
    }

    private InstanceSpec Instance(string name = "bb1.example.com")
    {
        var disk = NewDisk(32, name);
        File.WriteAllBytes(disk.Path!, new byte[32 << 20]);
        return Instances.With("ganeti-busybox", disk, name).WithOsparams(("motd", "hello from the tests"));
    }

    private static async Task<string> ReadFromRoot(string image, string file)
    {
        var r = await ProcessCommandRunner.Instance.RunAsync(new CommandSpec("debugfs", "-R", $"cat {file}", $"{image}?offset=1048576"), default);
        Assert.True(r.Succeeded, r.FailureReason);
        return r.Stdout;
    }

    [Fact]
    public async Task Create_installs_a_partitioned_busybox_system_holding_the_hostname_and_rename_changes_it()
    {
        var os = Discovery.Get("ganeti-busybox");
        Assert.Equal(20, os.ApiVersion);
        Assert.True(os.Trusted);
        var instance = Instance();
        var log = await Runner.CreateAsync(instance, false, 0, default);
        Assert.Contains("making the file system", File.ReadAllText(log));
        var image = instance.Disks[0].Path!;
        Assert.Equal("bb1.example.com\n", await ReadFromRoot(image, "/etc/hostname"));
        Assert.Equal("hello from the tests\n", await ReadFromRoot(image, "/etc/motd"));
        Assert.Contains("::sysinit:/etc/init.d/rcS", await ReadFromRoot(image, "/etc/inittab"));

        await Runner.RenameAsync(instance with { Name = "bb2.example.com" }, "bb1.example.com", 0, default);
        Assert.Equal("bb2.example.com\n", await ReadFromRoot(image, "/etc/hostname"));
        Assert.Contains("bb2.example.com bb2", await ReadFromRoot(image, "/etc/hosts"));
    }

    [Fact]
    public async Task A_disk_too_small_is_refused_with_the_reason()
    {
        var disk = NewDisk(4);
        var e = await Assert.ThrowsAsync<Core.Errors.GanetiException>(() =>
            Runner.CreateAsync(Instances.With("ganeti-busybox", disk), false, 0, default));
        Assert.Contains("too small", e.Message);
    }

    [Fact]
    public async Task Verify_accepts_a_one_line_motd()
    {
        Assert.True(await Runner.ValidateAsync("ganeti-busybox", true, ["parameters"],
            new Dictionary<string, System.Text.Json.JsonElement> { ["motd"] = Disks.Json("hi") }, default));
        await Assert.ThrowsAsync<Core.Errors.GanetiException>(() => Runner.ValidateAsync("ganeti-busybox", true, ["parameters"],
            new Dictionary<string, System.Text.Json.JsonElement> { ["motd"] = Disks.Json("a\nb") }, default));
    }

    [Fact]
    public async Task The_installed_system_boots_to_a_shell_on_the_serial_console()
    {
        Require.Boot();
        var instance = Instance("boot.example.com");
        await Runner.CreateAsync(instance, false, 0, default);
        var serial = Path.Combine(Root.Root, "serial.log");
        // TCG rather than KVM: this must also pass where nested virtualisation is missing.
        var psi = new ProcessStartInfo("qemu-system-x86_64")
        {
            ArgumentList =
            {
                "-accel", "tcg", "-m", "256", "-display", "none", "-no-reboot", "-monitor", "none",
                "-kernel", Requirements.GuestKernel!, "-initrd", Requirements.GuestInitrd!,
                "-append", "root=/dev/vda1 ro console=ttyS0 panic=-1",
                "-drive", $"file={instance.Disks[0].Path},format=raw,if=virtio",
                "-serial", $"file:{serial}",
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var qemu = Process.Start(psi)!;
        try
        {
            var deadline = DateTime.UtcNow.AddMinutes(3);
            while (DateTime.UtcNow < deadline && !qemu.HasExited)
            {
                if (File.Exists(serial) && File.ReadAllText(serial).Contains("boot.example.com is up"))
                    break;
                await Task.Delay(500);
            }
            var console = File.Exists(serial) ? File.ReadAllText(serial) : "";
            Assert.Contains("hello from the tests", console);
            Assert.Contains("boot.example.com is up", console);
        }
        finally
        {
            if (!qemu.HasExited)
                qemu.Kill(entireProcessTree: true);
        }
    }
}
