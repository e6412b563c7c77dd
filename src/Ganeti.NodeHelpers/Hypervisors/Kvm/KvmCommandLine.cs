using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Remoting.NodeRpc.Messages;
using N = Ganeti.NodeHelpers.Hypervisors.Kvm.KvmParameterNames;
using P = Ganeti.NodeHelpers.Hypervisors.Kvm.KvmParameters;

namespace Ganeti.NodeHelpers.Hypervisors.Kvm;

/// <summary>
/// Builds qemu's argument vector for an instance, as Ganeti's _GenerateKVMRuntime and
/// _ExecuteKVMRuntime do: machine, CPUs and memory, kernel or boot device, serial and QMP
/// sockets, display, disks as -blockdev with the disk type's frontend, NICs as taps. Pure:
/// no file is read and nothing is run, so every hvparam's effect can be unit-tested.
/// </summary>
public static class KvmCommandLine
{
    /// <param name="instance">The instance; its hvparams are filled with the defaults here.</param>
    /// <param name="files">The node's paths for this instance.</param>
    /// <param name="taps">One tap name per NIC, in NIC order.</param>
    /// <param name="incomingUri">For a migration target, qemu's -incoming URI (the guest then starts when the migration ends).</param>
    public static IReadOnlyList<string> Build(InstanceSpec instance, KvmInstanceFiles files, IReadOnlyList<string> taps,
        string? incomingUri = null)
    {
        var h = P.Fill(instance.Hvparams);
        P.Check(instance.Hvparams);
        if (taps.Count != instance.Nics.Count)
            throw GanetiException.Program($"{instance.Nics.Count} NICs but {taps.Count} taps for {instance.Name}");
        string S(string n) => P.GetString(h, n);
        bool B(string n) => P.GetBool(h, n);
        int I(string n) => P.GetInt(h, n);

        var a = new List<string> { S(N.KvmPath), "-name", instance.Name };
        if (Guid.TryParse(instance.Uuid, out var uuid))
            a.AddRange(["-uuid", uuid.ToString()]);
        a.AddRange(["-m", instance.MaxMemory.ToString(CultureInfo.InvariantCulture)]);
        a.AddRange(["-smp", Smp(instance.Vcpus, I(N.CpuSockets), I(N.CpuCores), I(N.CpuThreads))]);
        a.AddRange(["-pidfile", files.PidFile, "-daemonize", "-D", files.LogFile]);

        var machine = S(N.MachineVersion) == "" ? "pc" : S(N.MachineVersion);
        if (!B(N.Acpi)) machine += ",acpi=off";
        a.AddRange(["-machine", machine]);
        switch (S(N.KvmFlag))
        {
            case "enabled": a.AddRange(["-accel", "kvm"]); break;
            case "disabled": a.AddRange(["-accel", "tcg"]); break;
        }
        if (S(N.CpuType) != "") a.AddRange(["-cpu", S(N.CpuType)]);
        a.AddRange(["-device", "virtio-balloon-pci,id=balloon"]);
        a.AddRange(["-monitor", "none", "-parallel", "none"]);

        var directKernel = S(N.KernelPath) != "";
        var boot = directKernel ? "" : S(N.BootOrder);
        if (directKernel)
        {
            a.AddRange(["-kernel", S(N.KernelPath)]);
            if (S(N.InitrdPath) != "") a.AddRange(["-initrd", S(N.InitrdPath)]);
            var append = new List<string>();
            if (S(N.RootPath) != "") append.Add("root=" + S(N.RootPath));
            if (S(N.KernelArgs) != "") append.Add(S(N.KernelArgs));
            if (B(N.SerialConsole)) append.Add("console=ttyS0," + I(N.SerialSpeed).ToString(CultureInfo.InvariantCulture));
            a.AddRange(["-append", string.Join(' ', append)]);
        }

        if (B(N.UseLocaltime)) a.AddRange(["-rtc", "base=localtime"]);
        var usb = new List<string>();
        if (S(N.UsbMouse) != "") usb.Add(S(N.UsbMouse) == "tablet" ? "usb-tablet" : "usb-mouse");
        foreach (var dev in S(N.UsbDevices).Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
            usb.Add(UsbDevice(dev));
        if (usb.Count > 0)
        {
            a.AddRange(["-usb"]);
            foreach (var d in usb) a.AddRange(["-device", d]);
        }
        if (S(N.Keymap) != "") a.AddRange(["-k", S(N.Keymap)]);
        if (S(N.Vga) != "") a.AddRange(["-vga", S(N.Vga)]);
        if (S(N.MemPath) != "") a.AddRange(["-mem-path", S(N.MemPath)]);
        if (S(N.RebootBehavior) == "exit") a.Add("-no-reboot");
        // The guest's own poweroff leaves qemu stopped rather than gone, so it is seen (and
        // reported as a user shutdown) even when nobody listened for the event.
        a.Add("-no-shutdown");

        a.AddRange(["-serial", B(N.SerialConsole) ? $"unix:{files.SerialSocket},server=on,wait=off" : "none"]);

        var vnc = S(N.VncBindAddress);
        if (vnc == "")
            a.AddRange(["-display", "none"]);
        else
        {
            string display;
            if (vnc.StartsWith('/'))
                display = "unix:" + files.VncSocket(vnc);
            else
            {
                var port = instance.NetworkPort ?? throw GanetiException.WrongInput(
                    $"Instance {instance.Name} has no network port, needed for VNC on {vnc}");
                if (port < 5900 || port > 65535)
                    throw GanetiException.WrongInput($"VNC port {port} of {instance.Name} is outside 5900-65535");
                var ip = IPAddress.Parse(vnc);
                display = (ip.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{vnc}]" : vnc) + ":" +
                          (port - 5900).ToString(CultureInfo.InvariantCulture);
            }
            if (S(N.VncPasswordFile) != "") display += ",password=on";
            a.AddRange(["-vnc", display]);
        }

        a.AddRange(["-qmp", $"unix:{files.QmpSocket},server=on,wait=off"]);
        a.AddRange(["-qmp", $"unix:{files.EventSocket},server=on,wait=off"]);
        if (B(N.UseGuestAgent))
        {
            a.AddRange(["-chardev", $"socket,id=qga0,path={files.GuestAgentSocket},server=on,wait=off"]);
            a.AddRange(["-device", "virtio-serial-pci,id=qga-serial"]);
            a.AddRange(["-device", "virtserialport,bus=qga-serial.0,chardev=qga0,name=org.qemu.guest_agent.0"]);
        }

        AddDisks(a, instance, h, boot == "disk");
        AddCdroms(a, h, boot == "cdrom");
        if (S(N.FloppyImagePath) != "")
        {
            a.AddRange(["-drive", $"file={S(N.FloppyImagePath).Replace(",", ",,")},if=floppy,format=raw"]);
            if (boot == "floppy") a.AddRange(["-boot", "order=a"]);
        }
        AddNics(a, instance, h, taps, boot == "network");

        if (incomingUri is null)
            a.Add("-S");
        else
            a.AddRange(["-incoming", incomingUri]);
        a.AddRange(P.SplitArguments(S(N.KvmExtra)));
        return a;
    }

    /// <summary>-smp with Ganeti's topology: zero means "let qemu compute it"; an impossible topology is refused here.</summary>
    public static string Smp(int vcpus, int sockets, int cores, int threads)
    {
        if (vcpus < 1) throw GanetiException.WrongInput($"An instance needs at least one vCPU, got {vcpus}");
        var given = new[] { sockets, cores, threads }.Where(v => v > 0).Aggregate(1, (x, y) => x * y);
        var allGiven = sockets > 0 && cores > 0 && threads > 0;
        if (allGiven ? given != vcpus : vcpus % given != 0)
            throw GanetiException.WrongInput(
                $"CPU topology sockets={sockets} cores={cores} threads={threads} does not fit {vcpus} vCPUs " +
                "(sockets x cores x threads must equal the vCPU count; 0 lets qemu choose)");
        var smp = vcpus.ToString(CultureInfo.InvariantCulture);
        if (sockets > 0) smp += $",sockets={sockets}";
        if (cores > 0) smp += $",cores={cores}";
        if (threads > 0) smp += $",threads={threads}";
        return smp;
    }

    /// <summary>A stable device id for a disk or NIC, from its UUID when it has one (same on both migration sides).</summary>
    public static string DeviceId(string kind, string uuid, int index)
    {
        var hex = new string(uuid.Where(char.IsAsciiHexDigit).Take(8).ToArray()).ToLowerInvariant();
        return hex.Length == 8 ? $"{kind}-{hex}" : $"{kind}-{index}";
    }

    private static void AddDisks(List<string> a, InstanceSpec instance, Dictionary<string, JsonElement> h, bool bootDisk)
    {
        var type = P.GetString(h, N.DiskType);
        var cache = P.GetString(h, N.DiskCache);
        var aio = P.GetString(h, N.DiskAio);
        var discard = P.GetString(h, N.DiskDiscard);
        var disks = instance.Disks.OrderBy(d => d.Index).ToList();
        if (disks.Count > 0 && type.StartsWith("scsi", StringComparison.Ordinal))
            a.AddRange(["-device", $"{P.GetString(h, N.ScsiControllerType)},id=scsi"]);
        for (var i = 0; i < disks.Count; i++)
        {
            var disk = disks[i];
            var path = disk.Path ?? throw GanetiException.Prereq(
                $"Disk {disk.Index} of {instance.Name} is not assembled (no device path)", ErrorCodes.WrongState);
            var id = DeviceId("disk", disk.Uuid, disk.Index);
            var readOnly = disk.Mode == "ro";
            var file = new JsonObject
            {
                ["driver"] = path.StartsWith("/dev/", StringComparison.Ordinal) ? "host_device" : "file",
                ["filename"] = path,
                ["aio"] = aio,
            };
            var node = new JsonObject { ["driver"] = "raw", ["node-name"] = id };
            if (readOnly)
            {
                file["read-only"] = true;
                node["read-only"] = true;
            }
            if (cache != "default")
            {
                var direct = cache == "none";
                file["cache"] = new JsonObject { ["direct"] = direct, ["no-flush"] = false };
                node["cache"] = new JsonObject { ["direct"] = direct, ["no-flush"] = false };
            }
            if (discard != "default")
            {
                file["discard"] = discard;
                node["discard"] = discard;
            }
            node["file"] = file;
            a.AddRange(["-blockdev", node.ToJsonString()]);

            var frontend = type switch
            {
                "paravirtual" => "virtio-blk-pci",
                "ide" => "ide-hd",
                "scsi" or "scsi-hd" => "scsi-hd,bus=scsi.0",
                "scsi-block" => "scsi-block,bus=scsi.0",
                "scsi-generic" => "scsi-generic,bus=scsi.0",
                _ => throw GanetiException.WrongInput($"disk_type '{type}' is not supported by this kvm driver"),
            };
            var dev = $"{frontend},drive={id},id={id}";
            if (cache == "writethrough") dev += ",write-cache=off";
            if (bootDisk && i == 0) dev += ",bootindex=1";
            a.AddRange(["-device", dev]);
        }
    }

    private static void AddCdroms(List<string> a, Dictionary<string, JsonElement> h, bool bootCdrom)
    {
        var images = new[] { P.GetString(h, N.CdromImagePath), P.GetString(h, N.Cdrom2ImagePath) };
        var type = P.GetString(h, N.CdromDiskType);
        for (var i = 0; i < images.Length; i++)
        {
            if (images[i] == "") continue;
            var id = $"cdrom{i}";
            var node = new JsonObject
            {
                ["driver"] = "raw",
                ["node-name"] = id,
                ["read-only"] = true,
                ["file"] = new JsonObject { ["driver"] = "file", ["filename"] = images[i], ["read-only"] = true },
            };
            a.AddRange(["-blockdev", node.ToJsonString()]);
            var dev = type == "paravirtual" ? $"virtio-blk-pci,drive={id},id={id}" : $"ide-cd,drive={id},id={id}";
            if (bootCdrom && i == 0) dev += ",bootindex=1";
            a.AddRange(["-device", dev]);
        }
    }

    private static void AddNics(List<string> a, InstanceSpec instance, Dictionary<string, JsonElement> h,
        IReadOnlyList<string> taps, bool bootNetwork)
    {
        var type = P.GetString(h, N.NicType);
        var vhost = P.GetBool(h, N.VhostNet);
        var vnetHdr = P.GetBool(h, N.VnetHdr);
        var queues = P.GetInt(h, N.VirtioNetQueues);
        for (var i = 0; i < instance.Nics.Count; i++)
        {
            var nic = instance.Nics[i];
            if (!IsMac(nic.Mac))
                throw GanetiException.WrongInput($"NIC {i} of {instance.Name} has an invalid MAC address '{nic.Mac}'");
            var id = DeviceId("nic", nic.Uuid, i);
            var paravirtual = type == "paravirtual";
            var netdev = $"tap,id={id},ifname={taps[i]},script=no,downscript=no";
            if (paravirtual)
            {
                if (vhost) netdev += ",vhost=on";
                netdev += vnetHdr ? ",vnet_hdr=on" : ",vnet_hdr=off";
                if (queues > 1) netdev += $",queues={queues}";
            }
            a.AddRange(["-netdev", netdev]);
            var model = paravirtual ? "virtio-net-pci" : type;
            var dev = $"{model},netdev={id},id={id},mac={nic.Mac.ToLowerInvariant()}";
            if (paravirtual && queues > 1) dev += $",mq=on,vectors={2 * queues + 2}";
            if (bootNetwork && i == 0) dev += ",bootindex=1";
            a.AddRange(["-device", dev]);
        }
    }

    private static string UsbDevice(string spec)
    {
        switch (spec)
        {
            case "mouse": return "usb-mouse";
            case "tablet": return "usb-tablet";
            case "keyboard": return "usb-kbd";
        }
        var parts = spec.Split(':');
        if (parts.Length == 3 && parts[0] == "host") parts = parts[1..];
        if (parts.Length == 2 && parts.All(p => p.Length is > 0 and <= 4 && p.All(char.IsAsciiHexDigit)))
            return $"usb-host,vendorid=0x{parts[0]},productid=0x{parts[1]}";
        throw GanetiException.WrongInput(
            $"Invalid entry '{spec}' in hypervisor parameter usb_devices: expected mouse, tablet, keyboard or [host:]vendor:product");
    }

    public static bool IsMac(string mac) =>
        mac.Length == 17 && mac.Split(':') is { Length: 6 } parts &&
        parts.All(p => p.Length == 2 && p.All(char.IsAsciiHexDigit));
}
