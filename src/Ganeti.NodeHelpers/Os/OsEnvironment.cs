using System.Globalization;
using System.Text.Json;
using Ganeti.NodeHelpers.Storage;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Os;

/// <summary>
/// The environment of an OS script, built from nothing (Ganeti's OSCoreEnv and
/// OSEnvironment): none of the daemon's own variables reach the script.
/// </summary>
public static class OsEnvironment
{
    /// <summary>Ganeti's HOOKS_PATH, the only PATH scripts get.</summary>
    public const string ScriptPath = "/sbin:/bin:/usr/sbin:/usr/bin";

    // Templates whose disks the OS sees as block devices (Ganeti's DTS_BLOCK) and as files (DTS_FILEBASED).
    private static readonly HashSet<string> BlockTemplates = ["plain", "drbd", "blockdev", "rbd", "ext"];
    private static readonly HashSet<string> FileTemplates = ["file", "sharedfile", "gluster"];

    /// <summary>The part every script gets, verify included: API version, name, variant, OSP_* parameters.</summary>
    public static Dictionary<string, string> Core(OsDefinition os, string variant, IReadOnlyDictionary<string, JsonElement> osparams, int debug)
    {
        var api = os.ApiVersion;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["OS_API_VERSION"] = api.ToString(CultureInfo.InvariantCulture),
            ["OS_NAME"] = os.Name,
            ["DEBUG_LEVEL"] = debug.ToString(CultureInfo.InvariantCulture),
            ["PATH"] = ScriptPath,
            ["OS_VARIANT"] = api >= OsScripts.ApiV15 ? variant : "",
        };
        if (api >= OsScripts.ApiV20)
        {
            foreach (var (name, value) in osparams)
                env["OSP_" + name.ToUpperInvariant().Replace('-', '_')] = Str(value);
        }
        return env;
    }

    /// <summary>The environment of create, import, export and rename for one instance.</summary>
    public static Dictionary<string, string> ForInstance(OsDefinition os, string variant, InstanceSpec instance,
        IReadOnlyList<AttachedDisk> disks, int debug)
    {
        var env = Core(os, variant, instance.Osparams, debug);
        env["INSTANCE_NAME"] = instance.Name;
        env["INSTANCE_OS"] = instance.Os;
        env["INSTANCE_UUID"] = instance.Uuid;
        env["INSTANCE_CTIME"] = Number(instance.Ctime);
        env["INSTANCE_MTIME"] = Number(instance.Mtime);
        env["INSTANCE_PRIMARY_NODE"] = instance.PrimaryNode;
        env["INSTANCE_SECONDARY_NODES"] = string.Join(' ', instance.SecondaryNodes);
        env["HYPERVISOR"] = instance.Hypervisor;

        env["DISK_COUNT"] = Int(instance.Disks.Count);
        for (var i = 0; i < instance.Disks.Count; i++)
        {
            var disk = instance.Disks[i];
            var where = disks[i];
            var p = $"DISK_{i}_";
            env[p + "PATH"] = where.Path;
            if (where.Uri is not null)
                env[p + "URI"] = where.Uri;
            env[p + "SIZE"] = disk.SizeMiB.ToString(CultureInfo.InvariantCulture);
            env[p + "ACCESS"] = disk.Mode;
            env[p + "UUID"] = disk.Uuid;
            if (!string.IsNullOrEmpty(disk.Name))
                env[p + "NAME"] = disk.Name;
            if (instance.Hvparams.TryGetValue("disk_type", out var diskType))
                env[p + "FRONTEND_TYPE"] = Str(diskType);
            if (BlockTemplates.Contains(disk.DevType))
                env[p + "BACKEND_TYPE"] = "block";
            else if (FileTemplates.Contains(disk.DevType) && disk.LogicalId.Count > 0)
                env[p + "BACKEND_TYPE"] = "file:" + Str(disk.LogicalId[0]);
        }

        env["NIC_COUNT"] = Int(instance.Nics.Count);
        for (var i = 0; i < instance.Nics.Count; i++)
        {
            var nic = instance.Nics[i];
            var p = $"NIC_{i}_";
            env[p + "MAC"] = nic.Mac;
            env[p + "UUID"] = nic.Uuid;
            if (!string.IsNullOrEmpty(nic.Name))
                env[p + "NAME"] = nic.Name;
            if (!string.IsNullOrEmpty(nic.Ip))
                env[p + "IP"] = nic.Ip;
            env[p + "MODE"] = nic.Mode;
            if (nic.Mode == "bridged")
                env[p + "BRIDGE"] = nic.Link;
            if (!string.IsNullOrEmpty(nic.Link))
                env[p + "LINK"] = nic.Link;
            if (!string.IsNullOrEmpty(nic.Vlan))
                env[p + "VLAN"] = nic.Vlan;
            if (!string.IsNullOrEmpty(nic.Network))
                env[p + "NETWORK_UUID"] = nic.Network;
            if (!string.IsNullOrEmpty(nic.NetworkName))
                env[p + "NETWORK_NAME"] = nic.NetworkName;
            if (instance.Hvparams.TryGetValue("nic_type", out var nicType))
                env[p + "FRONTEND_TYPE"] = Str(nicType);
        }

        foreach (var (key, value) in instance.Beparams)
            env["INSTANCE_BE_" + key] = Str(value);
        foreach (var (key, value) in instance.Hvparams)
            env["INSTANCE_HV_" + key] = Str(value);
        return env;
    }

    /// <summary>Parameter values as Ganeti's str() writes them: True/False, None, numbers and strings as is.</summary>
    public static string Str(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Null or JsonValueKind.Undefined => "None",
        _ => value.GetRawText(),
    };

    private static string Int(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
