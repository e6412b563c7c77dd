using System.Diagnostics;
using Ganeti.Core.Errors;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Hypervisors.Kvm;

[Collection(KvmGuestCollection.Name)]
public sealed class KvmLifecycleTests
{
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Start_prints_marker_answers_soft_reboots_and_soft_stops_within_timeout()
    {
        await using var lab = await KvmLab.CreateAsync(1);
        var node = lab.Nodes[0];
        var hv = node.Hypervisor;
        var spec = KvmLab.Instance("web1", disks: [lab.SharedDisk("web1.disk")]);

        var started = Stopwatch.StartNew();
        await hv.StartAsync(spec, paused: false, CancellationToken.None);
        var info = await hv.GetInstanceInfoAsync("web1", CancellationToken.None);
        Assert.NotNull(info);
        Assert.Equal(HvState.Running, info.State);
        Assert.Equal(128, info.MemoryMiB);
        Assert.Equal(1, info.Vcpus);
        Assert.Equal(["web1"], await hv.ListInstancesAsync(CancellationToken.None));
        Assert.Contains("gnt", KvmLab.Links(node.Namespace));

        await using (var console = await SerialConsole.ConnectAsync(node.Files("web1").SerialSocket, TimeSpan.FromSeconds(5)))
        {
            await console.WaitForAsync(TestGuest.ReadyMarker, Boot);
            Assert.Contains("V=42", await console.RunAsync("echo \"V=$((6*7))\"", "V=42", TimeSpan.FromSeconds(20)));
            // The disk and the NIC are there with the instance's MAC.
            await console.RunAsync("cat /sys/block/vda/size; echo DISK-SEEN", "DISK-SEEN", TimeSpan.FromSeconds(20));
            Assert.Contains("32768", console.Output);
            await console.RunAsync("cat /sys/class/net/eth0/address; echo MAC-SEEN", "MAC-SEEN", TimeSpan.FromSeconds(20));
            Assert.Contains("aa:00:00:12:34:56", console.Output);
        }

        await hv.RebootAsync(spec, CancellationToken.None);
        await using (var console = await SerialConsole.ConnectAsync(node.Files("web1").SerialSocket, TimeSpan.FromSeconds(5)))
        {
            await console.WaitForAsync(TestGuest.ReadyMarker, Boot);
            Assert.Equal(HvState.Running, (await hv.GetInstanceInfoAsync("web1", CancellationToken.None))?.State);

            var timeout = TimeSpan.FromSeconds(40);
            var stop = Stopwatch.StartNew();
            await hv.StopAsync(spec, force: false, timeout, CancellationToken.None);
            Assert.True(stop.Elapsed < timeout, $"soft stop took {stop.Elapsed}");
            // The guest ran its ACPI power-button handler: a soft stop, not a kill.
            Assert.Contains(TestGuest.PoweroffMarker, console.Output);
        }

        Assert.Null(await hv.GetInstanceInfoAsync("web1", CancellationToken.None));
        Assert.Empty(await hv.ListInstancesAsync(CancellationToken.None));
        Assert.DoesNotContain("gnt", KvmLab.Links(node.Namespace));
        Assert.False(File.Exists(node.Files("web1").RuntimeFile));
        Assert.False(File.Exists(node.Files("web1").PidFile));
    }

    [Fact]
    public async Task Stop_of_a_guest_that_ignores_acpi_goes_hard_after_the_timeout()
    {
        await using var lab = await KvmLab.CreateAsync(1);
        var node = lab.Nodes[0];
        var hv = node.Hypervisor;
        var spec = KvmLab.Instance("stubborn", hv => hv["kernel_args"] = KvmLab.J("quiet gnt.ignore_acpi"));
        await hv.StartAsync(spec, paused: false, CancellationToken.None);
        await using var console = await SerialConsole.ConnectAsync(node.Files("stubborn").SerialSocket, TimeSpan.FromSeconds(5));
        await console.WaitForAsync(TestGuest.ReadyMarker, Boot);

        var stop = Stopwatch.StartNew();
        await hv.StopAsync(spec, force: false, TimeSpan.FromSeconds(4), CancellationToken.None);
        Assert.InRange(stop.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(25));
        Assert.DoesNotContain(TestGuest.PoweroffMarker, console.Output);
        Assert.Null(await hv.GetInstanceInfoAsync("stubborn", CancellationToken.None));
        Assert.DoesNotContain("gnt", KvmLab.Links(node.Namespace));
    }

    [Fact]
    public async Task Guest_poweroff_and_guest_reboot_with_reboot_behavior_exit_show_as_user_shutdown()
    {
        await using var lab = await KvmLab.CreateAsync(1);
        var node = lab.Nodes[0];
        var hv = node.Hypervisor;
        var spec = KvmLab.Instance("selfstop", hv =>
        {
            hv["reboot_behavior"] = KvmLab.J("exit");
            hv["user_shutdown"] = KvmLab.J(true);
        });

        await hv.StartAsync(spec, paused: false, CancellationToken.None);
        await using (var console = await SerialConsole.ConnectAsync(node.Files("selfstop").SerialSocket, TimeSpan.FromSeconds(5)))
        {
            await console.WaitForAsync(TestGuest.ReadyMarker, Boot);
            await console.SendLineAsync("poweroff -f");
            await WaitForStateAsync(hv, "selfstop", HvState.Shutdown);
        }
        // Shut down by its user: still listed, no qemu left, taps released.
        Assert.Equal(["selfstop"], await hv.ListInstancesAsync(CancellationToken.None));
        Assert.Null((await hv.GetInstanceInfoAsync("selfstop", CancellationToken.None))!.Pid);
        Assert.DoesNotContain("gnt", KvmLab.Links(node.Namespace));

        // Starting it again is allowed; a reboot from inside now ends the instance.
        await hv.StartAsync(spec, paused: false, CancellationToken.None);
        Assert.Equal(HvState.Running, (await hv.GetInstanceInfoAsync("selfstop", CancellationToken.None))?.State);
        await using (var console = await SerialConsole.ConnectAsync(node.Files("selfstop").SerialSocket, TimeSpan.FromSeconds(5)))
        {
            await console.WaitForAsync(TestGuest.ReadyMarker, Boot);
            await console.SendLineAsync("reboot -f");
            await WaitForStateAsync(hv, "selfstop", HvState.Shutdown);
        }
        await hv.StopAsync(spec, force: false, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Null(await hv.GetInstanceInfoAsync("selfstop", CancellationToken.None));
        Assert.Empty(await hv.ListInstancesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Two_instances_on_a_node_cannot_share_a_mac_or_a_vnc_port()
    {
        await using var lab = await KvmLab.CreateAsync(1);
        var hv = lab.Nodes[0].Hypervisor;
        static void Vnc(Dictionary<string, System.Text.Json.JsonElement> h) => h["vnc_bind_address"] = KvmLab.J("127.0.0.1");
        await hv.StartAsync(KvmLab.Instance("first", Vnc, mac: "aa:00:00:00:00:01", networkPort: 5901), paused: true, CancellationToken.None);

        var sameMac = await Assert.ThrowsAsync<GanetiException>(() =>
            hv.StartAsync(KvmLab.Instance("second", Vnc, mac: "AA:00:00:00:00:01", networkPort: 5902), paused: true, CancellationToken.None));
        Assert.Equal(ErrorCodes.NotUnique, sameMac.Ecode);
        Assert.Contains("aa:00:00:00:00:01", sameMac.Message);

        var samePort = await Assert.ThrowsAsync<GanetiException>(() =>
            hv.StartAsync(KvmLab.Instance("second", Vnc, mac: "aa:00:00:00:00:02", networkPort: 5901), paused: true, CancellationToken.None));
        Assert.Equal(ErrorCodes.NotUnique, samePort.Ecode);
        Assert.Contains("5901", samePort.Message);
        Assert.Equal(["first"], await hv.ListInstancesAsync(CancellationToken.None));

        var console = hv.GetConsole(KvmLab.Instance("first", h => { Vnc(h); h["serial_console"] = KvmLab.J(false); }, networkPort: 5901), "10.0.0.1");
        Assert.Equal(("vnc", "127.0.0.1", 5901, 1), (console.Kind, console.Host, console.Port, console.Display));

        await hv.StopAsync(KvmLab.Instance("first"), force: true, TimeSpan.Zero, CancellationToken.None);
        Assert.Empty(await hv.ListInstancesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Bad_hvparams_are_rejected_before_qemu_starts()
    {
        await using var lab = await KvmLab.CreateAsync(1);
        var node = lab.Nodes[0];
        var hv = node.Hypervisor;
        var cases = new (string Key, object Value, string Expect)[]
        {
            ("disk_cache", "sometimes", "disk_cache"),
            ("nic_type", "virtio", "nic_type"),
            ("migration_port", 70000, "migration_port"),
            ("boot_order", "cdrom", "cdrom_image_path"),
            ("kernel_path", "relative/vmlinuz", "kernel_path"),
            ("disk_aio", "native", "disk_cache 'none'"),
            ("cpu_mask", "0-x", "cpu_mask"),
            ("no_such_param", 1, "no_such_param"),
            ("cpu_sockets", 3, "topology"),
            ("kernel_path", "/nonexistent/vmlinuz", "does not exist"),
        };
        foreach (var (key, value, expect) in cases)
        {
            var spec = KvmLab.Instance("bad", h => h[key] = KvmLab.J(value));
            var e = await Assert.ThrowsAsync<GanetiException>(() => hv.StartAsync(spec, false, CancellationToken.None));
            Assert.Equal("OpPrereqError", e.ErrorClass);
            Assert.Contains(expect, e.Message);
        }
        Assert.Empty(await hv.ListInstancesAsync(CancellationToken.None));
        Assert.False(File.Exists(node.Files("bad").PidFile));
        Assert.DoesNotContain("gnt", KvmLab.Links(node.Namespace));
    }

    internal static async Task WaitForStateAsync(Ganeti.NodeHelpers.Hypervisors.IHypervisor hv, string name, string state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        HvInstanceInfo? info;
        while ((info = await hv.GetInstanceInfoAsync(name, CancellationToken.None))?.State != state)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{name} is {info?.State ?? "gone"}, not {state}");
            await Task.Delay(200);
        }
    }
}
