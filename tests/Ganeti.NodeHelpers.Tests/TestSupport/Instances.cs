using System.Text.Json;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.TestSupport;

public static class Instances
{
    public static InstanceSpec With(string os, DiskSpec disk, string name = "inst1.example.com") => new()
    {
        Name = name,
        Uuid = "5f2c1e0a-0000-4000-8000-000000000001",
        Hypervisor = "kvm",
        Os = os,
        PrimaryNode = "node1.example.com",
        SecondaryNodes = [],
        Ctime = 1700000000.5,
        Mtime = 1700000100.25,
        Beparams = new() { ["maxmem"] = Disks.Json(256), ["vcpus"] = Disks.Json(2), ["auto_balance"] = Disks.Json(true) },
        Hvparams = new() { ["disk_type"] = Disks.Json("paravirtual"), ["nic_type"] = Disks.Json("e1000"), ["kernel_path"] = Disks.Json("") },
        Nics = [new NicSpec { Uuid = "nic-uuid-0", Name = "eth0", Mac = "aa:00:00:11:22:33", Ip = "192.0.2.10", Mode = "bridged", Link = "br0" }],
        Disks = [disk with { Path = disk.Path ?? disk.LogicalId[1].GetString(), Name = "root" }],
    };

    public static InstanceSpec WithOsparams(this InstanceSpec i, params (string, string)[] p) =>
        i with { Osparams = p.ToDictionary(x => x.Item1, x => JsonSerializer.SerializeToElement(x.Item2)) };
}
