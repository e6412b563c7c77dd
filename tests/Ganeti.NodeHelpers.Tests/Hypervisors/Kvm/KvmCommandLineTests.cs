using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Paths;
using Ganeti.NodeHelpers.Hypervisors.Kvm;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Hypervisors.Kvm;

public sealed class KvmCommandLineTests
{
    private static readonly KvmInstanceFiles Files = new(new GanetiPaths("/r"), "web1");

    private static InstanceSpec Spec(Action<Dictionary<string, JsonElement>>? hv = null, int vcpus = 2, int nics = 1, int disks = 1,
        int? port = 5905)
    {
        var h = new Dictionary<string, JsonElement>();
        hv?.Invoke(h);
        return new InstanceSpec
        {
            Name = "web1",
            Uuid = "6a1f1c2e-9b0d-4e43-8f1a-2c3d4e5f6a7b",
            Hypervisor = "kvm",
            Hvparams = h,
            Beparams = new() { ["maxmem"] = J(512), ["vcpus"] = J(vcpus) },
            Nics = [.. Enumerable.Range(0, nics).Select(i => new NicSpec
            {
                Uuid = $"{i}0000000-1111-2222-3333-444444444444", Mac = $"aa:00:00:00:00:0{i}", Link = "br0",
            })],
            Disks = [.. Enumerable.Range(0, disks).Select(i => new DiskSpec
            {
                Uuid = $"d{i}000000-1111-2222-3333-444444444444", DevType = "plain", Index = i, Path = $"/dev/xenvg/disk{i}",
            })],
            NetworkPort = port,
        };
    }

    private static JsonElement J<T>(T v) => JsonSerializer.SerializeToElement(v);

    private static IReadOnlyList<string> Build(InstanceSpec spec, string? incoming = null) =>
        KvmCommandLine.Build(spec, Files, [.. spec.Nics.Select((_, i) => $"tap{i}")], incoming);

    /// <summary>The value following an option, for each occurrence.</summary>
    private static List<string> Values(IReadOnlyList<string> argv, string option) =>
        [.. argv.Select((a, i) => (a, i)).Where(x => x.a == option && x.i + 1 < argv.Count).Select(x => argv[x.i + 1])];

    [Fact]
    public void Defaults_follow_ganeti()
    {
        var argv = Build(Spec());
        Assert.Equal("/usr/bin/kvm", argv[0]);
        Assert.Equal(["web1"], Values(argv, "-name"));
        Assert.Equal(["6a1f1c2e-9b0d-4e43-8f1a-2c3d4e5f6a7b"], Values(argv, "-uuid"));
        Assert.Equal(["512"], Values(argv, "-m"));
        Assert.Equal(["2"], Values(argv, "-smp"));
        Assert.Equal(["pc"], Values(argv, "-machine"));
        Assert.Empty(Values(argv, "-accel"));
        Assert.Equal(["/boot/vmlinuz-3-kvmU"], Values(argv, "-kernel"));
        Assert.Equal(["root=/dev/vda1 ro console=ttyS0,38400"], Values(argv, "-append"));
        Assert.Equal(["unix:/r/var/run/ganeti/kvm-hypervisor/ctrl/web1.serial,server=on,wait=off"], Values(argv, "-serial"));
        Assert.Equal(["/r/var/run/ganeti/kvm-hypervisor/pid/web1"], Values(argv, "-pidfile"));
        Assert.Contains("-daemonize", argv);
        Assert.Contains("-S", argv);
        Assert.Contains("-no-shutdown", argv);
        Assert.DoesNotContain("-no-reboot", argv);
        Assert.Equal(
            ["unix:/r/var/run/ganeti/kvm-hypervisor/ctrl/web1.qmp,server=on,wait=off",
             "unix:/r/var/run/ganeti/kvm-hypervisor/ctrl/web1.kvmd,server=on,wait=off"],
            Values(argv, "-qmp"));
        Assert.Equal(["none"], Values(argv, "-display"));
        Assert.Empty(Values(argv, "-vnc"));
        Assert.Empty(Values(argv, "-rtc"));
        Assert.DoesNotContain("-usb", argv);
    }

    [Fact]
    public void Disks_are_blockdev_nodes_with_the_disk_types_frontend()
    {
        var argv = Build(Spec(disks: 2));
        var nodes = Values(argv, "-blockdev").Select(b => JsonNode.Parse(b)!).ToList();
        Assert.Equal(2, nodes.Count);
        Assert.Equal("raw", nodes[0]["driver"]!.GetValue<string>());
        Assert.Equal("disk-d0000000", nodes[0]["node-name"]!.GetValue<string>());
        Assert.Equal("host_device", nodes[0]["file"]!["driver"]!.GetValue<string>());
        Assert.Equal("/dev/xenvg/disk1", nodes[1]["file"]!["filename"]!.GetValue<string>());
        Assert.Equal("threads", nodes[0]["file"]!["aio"]!.GetValue<string>());
        Assert.Null(nodes[0]["file"]!["cache"]);
        var devices = Values(argv, "-device");
        Assert.Contains("virtio-blk-pci,drive=disk-d0000000,id=disk-d0000000", devices);

        argv = Build(Spec(h =>
        {
            h["disk_type"] = J("scsi-hd");
            h["disk_cache"] = J("none");
            h["disk_aio"] = J("native");
            h["disk_discard"] = J("unmap");
            h["kernel_path"] = J("");
        }));
        var node = JsonNode.Parse(Values(argv, "-blockdev")[0])!;
        Assert.Equal("native", node["file"]!["aio"]!.GetValue<string>());
        Assert.True(node["file"]!["cache"]!["direct"]!.GetValue<bool>());
        Assert.Equal("unmap", node["discard"]!.GetValue<string>());
        devices = Values(argv, "-device");
        Assert.Contains("lsi,id=scsi", devices);
        Assert.Contains("scsi-hd,bus=scsi.0,drive=disk-d0000000,id=disk-d0000000,bootindex=1", devices);
        Assert.Empty(Values(argv, "-kernel"));

        argv = Build(Spec(h => { h["disk_type"] = J("ide"); h["disk_cache"] = J("writethrough"); }));
        Assert.Contains("ide-hd,drive=disk-d0000000,id=disk-d0000000,write-cache=off", Values(argv, "-device"));
    }

    [Fact]
    public void Nics_are_taps_with_the_instances_macs()
    {
        var argv = Build(Spec(nics: 2));
        Assert.Equal(
            ["tap,id=nic-00000000,ifname=tap0,script=no,downscript=no,vnet_hdr=on",
             "tap,id=nic-10000000,ifname=tap1,script=no,downscript=no,vnet_hdr=on"],
            Values(argv, "-netdev"));
        Assert.Contains("virtio-net-pci,netdev=nic-10000000,id=nic-10000000,mac=aa:00:00:00:00:01", Values(argv, "-device"));

        argv = Build(Spec(h => { h["vhost_net"] = J(true); h["virtio_net_queues"] = J(4); }));
        Assert.Equal(["tap,id=nic-00000000,ifname=tap0,script=no,downscript=no,vhost=on,vnet_hdr=on,queues=4"], Values(argv, "-netdev"));
        Assert.Contains("virtio-net-pci,netdev=nic-00000000,id=nic-00000000,mac=aa:00:00:00:00:00,mq=on,vectors=10", Values(argv, "-device"));

        argv = Build(Spec(h => { h["nic_type"] = J("e1000"); h["boot_order"] = J("network"); h["kernel_path"] = J(""); }));
        Assert.Equal(["tap,id=nic-00000000,ifname=tap0,script=no,downscript=no"], Values(argv, "-netdev"));
        Assert.Contains("e1000,netdev=nic-00000000,id=nic-00000000,mac=aa:00:00:00:00:00,bootindex=1", Values(argv, "-device"));
    }

    [Fact]
    public void Machine_cpu_and_kernel_parameters_map_to_qemu_options()
    {
        var argv = Build(Spec(h =>
        {
            h["kvm_path"] = J("/usr/bin/qemu-system-x86_64");
            h["kvm_flag"] = J("disabled");
            h["machine_version"] = J("pc-i440fx-7.2");
            h["acpi"] = J(false);
            h["cpu_type"] = J("qemu64,+ssse3");
            h["cpu_sockets"] = J(1);
            h["cpu_cores"] = J(2);
            h["cpu_threads"] = J(1);
            h["kernel_args"] = J("quiet");
            h["root_path"] = J("");
            h["initrd_path"] = J("/boot/initrd");
            h["serial_speed"] = J(115200);
            h["use_localtime"] = J(true);
            h["usb_mouse"] = J("tablet");
            h["keymap"] = J("de");
            h["vga"] = J("std");
            h["mem_path"] = J("/hugepages");
            h["reboot_behavior"] = J("exit");
            h["kvm_extra"] = J("-global kvm-pit.lost_tick_policy=discard -fw_cfg 'name=opt/x,string=a b'");
        }));
        Assert.Equal("/usr/bin/qemu-system-x86_64", argv[0]);
        Assert.Equal(["tcg"], Values(argv, "-accel"));
        Assert.Equal(["pc-i440fx-7.2,acpi=off"], Values(argv, "-machine"));
        Assert.Equal(["qemu64,+ssse3"], Values(argv, "-cpu"));
        Assert.Equal(["2,sockets=1,cores=2,threads=1"], Values(argv, "-smp"));
        Assert.Equal(["quiet console=ttyS0,115200"], Values(argv, "-append"));
        Assert.Equal(["/boot/initrd"], Values(argv, "-initrd"));
        Assert.Equal(["base=localtime"], Values(argv, "-rtc"));
        Assert.Contains("-usb", argv);
        Assert.Contains("usb-tablet", Values(argv, "-device"));
        Assert.Equal(["de"], Values(argv, "-k"));
        Assert.Equal(["std"], Values(argv, "-vga"));
        Assert.Equal(["/hugepages"], Values(argv, "-mem-path"));
        Assert.Contains("-no-reboot", argv);
        Assert.Equal(["-global", "kvm-pit.lost_tick_policy=discard", "-fw_cfg", "name=opt/x,string=a b"], argv.TakeLast(4));
        Assert.Equal(["kvm"], Values(Build(Spec(h => h["kvm_flag"] = J("enabled"))), "-accel"));
    }

    [Fact]
    public void Vnc_listens_on_the_instances_network_port_and_serial_can_be_off()
    {
        var argv = Build(Spec(h =>
        {
            h["vnc_bind_address"] = J("0.0.0.0");
            h["vnc_password_file"] = J("/etc/ganeti/vnc-cluster-password");
            h["serial_console"] = J(false);
        }));
        Assert.Equal(["0.0.0.0:5,password=on"], Values(argv, "-vnc"));
        Assert.Equal(["none"], Values(argv, "-serial"));
        Assert.Empty(Values(argv, "-display"));
        Assert.DoesNotContain("console=ttyS0", Values(argv, "-append")[0]);

        Assert.Equal(["[::1]:5"], Values(Build(Spec(h => h["vnc_bind_address"] = J("::1"))), "-vnc"));
        Assert.Equal(["unix:/var/run/vnc/web1.vnc"], Values(Build(Spec(h => h["vnc_bind_address"] = J("/var/run/vnc"))), "-vnc"));
        var e = Assert.Throws<GanetiException>(() => Build(Spec(h => h["vnc_bind_address"] = J("127.0.0.1"), port: null)));
        Assert.Contains("network port", e.Message);
    }

    [Fact]
    public void Cdrom_boot_and_migration_target_options()
    {
        var argv = Build(Spec(h =>
        {
            h["kernel_path"] = J("");
            h["boot_order"] = J("cdrom");
            h["cdrom_image_path"] = J("/srv/iso/debian.iso");
        }), incoming: "tcp:192.0.2.2:8102");
        var cd = JsonNode.Parse(Values(argv, "-blockdev")[1])!;
        Assert.Equal("/srv/iso/debian.iso", cd["file"]!["filename"]!.GetValue<string>());
        Assert.True(cd["read-only"]!.GetValue<bool>());
        Assert.Contains("ide-cd,drive=cdrom0,id=cdrom0,bootindex=1", Values(argv, "-device"));
        Assert.Contains("virtio-blk-pci,drive=disk-d0000000,id=disk-d0000000", Values(argv, "-device"));
        Assert.Equal(["tcp:192.0.2.2:8102"], Values(argv, "-incoming"));
        Assert.DoesNotContain("-S", argv);
    }

    [Fact]
    public void Guest_agent_adds_a_virtio_serial_port_on_its_socket()
    {
        var argv = Build(Spec(h => h["use_guest_agent"] = J(true)));
        Assert.Equal(["socket,id=qga0,path=/r/var/run/ganeti/kvm-hypervisor/ctrl/web1.qga,server=on,wait=off"], Values(argv, "-chardev"));
        Assert.Contains("virtserialport,bus=qga-serial.0,chardev=qga0,name=org.qemu.guest_agent.0", Values(argv, "-device"));
    }

    [Theory]
    [InlineData(4, 0, 0, 0, "4")]
    [InlineData(4, 2, 0, 0, "4,sockets=2")]
    [InlineData(4, 1, 2, 2, "4,sockets=1,cores=2,threads=2")]
    public void Smp_topology(int vcpus, int sockets, int cores, int threads, string expected) =>
        Assert.Equal(expected, KvmCommandLine.Smp(vcpus, sockets, cores, threads));

    [Theory]
    [InlineData(4, 3, 0, 0)]
    [InlineData(4, 1, 1, 1)]
    public void Impossible_smp_topology_is_wrong_input(int vcpus, int sockets, int cores, int threads)
    {
        var e = Assert.Throws<GanetiException>(() => KvmCommandLine.Smp(vcpus, sockets, cores, threads));
        Assert.Equal(ErrorCodes.WrongInput, e.Ecode);
    }

    [Fact]
    public void Tap_names_fit_linux_and_are_the_same_on_every_node()
    {
        var taps = KvmHypervisor.TapNames(Spec(nics: 3));
        Assert.Equal(3, taps.Count);
        Assert.All(taps, t => Assert.True(t.Length <= 15, t));
        Assert.Equal(taps, KvmHypervisor.TapNames(Spec(nics: 3)));
        Assert.Equal(3, taps.Distinct().Count());
    }

    [Fact]
    public void Serial_console_is_socat_on_the_serial_socket_of_the_primary_node()
    {
        var hv = new KvmHypervisor(new GanetiPaths("/r"));
        var c = hv.GetConsole(Spec(), "192.0.2.1");
        Assert.Equal("ssh", c.Kind);
        Assert.Equal("192.0.2.1", c.Host);
        Assert.Equal(["socat", "STDIO,raw,echo=0,escape=0x1d", "UNIX-CONNECT:/r/var/run/ganeti/kvm-hypervisor/ctrl/web1.serial"], c.Command);

        var off = hv.GetConsole(Spec(h => h["serial_console"] = J(false)), "192.0.2.1");
        Assert.Equal("msg", off.Kind);
    }
}
