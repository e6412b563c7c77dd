namespace OpcodeGen;

/// <summary>
/// Names for the sets of allowed strings ("OneOf a, b") that parameters use. A new set in
/// the spec stops the generator until it is named here, so names stay deliberate.
/// </summary>
internal static class ValueSets
{
    private static readonly (string Name, string Summary, string[] Values)[] Known =
    [
        ("AdminStateSource", "Who asked for an instance's administrative state change.", ["user", "admin"]),
        ("AllocPolicy", "How willing a node group is to receive new instances.", ["preferred", "last_resort", "unallocable"]),
        ("AllocatorDirection", "Whether the allocator test only builds the request or also runs it.", ["in", "out"]),
        ("AllocatorMode", "The kind of request sent to an instance allocator.",
            ["node-evacuate", "allocate", "relocate", "allocate-secondary", "change-group", "multi-allocate"]),
        ("DiskTemplate", "Disk layouts an instance can use.",
            ["gluster", "diskless", "sharedfile", "ext", "blockdev", "file", "rbd", "plain", "drbd"]),
        ("ExportMode", "Where an export is written.", ["local", "remote"]),
        ("FileDriver", "Drivers for file-backed disks.", ["blktap2", "loop", "blktap"]),
        ("Hypervisor", "Hypervisors an instance can run on.", ["kvm", "xen-pvm", "chroot", "xen-hvm", "fake", "lxc"]),
        ("InstanceCreateMode", "How a new instance gets its disk contents.", ["import", "create", "remote-import"]),
        ("MigrationMode", "Whether a migration keeps the instance running.", ["non-live", "live"]),
        ("NetworkMode", "How a network is attached to a node group's instances.", ["openvswitch", "bridged", "pool", "routed"]),
        ("NodeEvacuateMode", "Which instances leave a node on evacuation.", ["all", "secondary-only", "primary-only"]),
        ("OobCommand", "Out-of-band management commands.", ["health", "power-cycle", "power-status", "power-off", "power-on"]),
        ("QueryResource", "What a query lists.",
            ["os", "job", "filter", "node", "extstorage", "instance", "lock", "group", "export", "network", "cluster"]),
        ("RebootType", "How an instance is rebooted.", ["hard", "soft", "full"]),
        ("ReplaceDisksMode", "Which disks are replaced, and where.",
            ["replace_on_primary", "replace_auto", "replace_new_secondary", "replace_on_secondary"]),
        ("SshKeyType", "Key types for the cluster's SSH keys.", ["rsa", "ecdsa", "dsa"]),
        ("StorageType", "Storage units a node reports and repairs.",
            ["diskless", "ext", "file", "gluster", "lvm-pv", "lvm-vg", "rbd", "sharedfile"]),
        ("TagKind", "Objects that carry tags.", ["nodegroup", "node", "instance", "network", "cluster"]),
    ];

    /// <summary>All named sets, by name.</summary>
    public static IEnumerable<(string Name, string Summary, IReadOnlyList<string> Values)> All =>
        Known.OrderBy(k => k.Name, StringComparer.Ordinal).Select(k => (k.Name, k.Summary, (IReadOnlyList<string>)k.Values));

    public static string NameOf(IReadOnlyList<string> values, string where)
    {
        var wanted = values.Order(StringComparer.Ordinal).ToArray();
        foreach (var (name, _, known) in Known)
            if (known.Order(StringComparer.Ordinal).SequenceEqual(wanted))
                return name;
        throw new InvalidOperationException(
            $"{where}: no name for the value set [{string.Join(", ", values)}]; add it to ValueSets.Known");
    }

    /// <summary>A C# member name for a wire value: "remote-import" → RemoteImport.</summary>
    public static string MemberName(string value) => Names.Pascal(value.Replace('-', '_'));
}
