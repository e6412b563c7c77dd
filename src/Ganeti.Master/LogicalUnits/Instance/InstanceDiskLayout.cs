using System.Security.Cryptography;
using System.Text.Json;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// How a new disk of each template is laid out in the configuration (its logical id, children,
/// DRBD port and minors), shared by instance create and by instance modify adding a disk.
/// Called inside a configuration update, so the port and minors it takes stay unique.
/// </summary>
public static class InstanceDiskLayout
{
    /// <summary>Ganeti's DRBD_META_SIZE.</summary>
    public const long DrbdMetaSizeMiB = 128;

    /// <summary>The disk keys Ganeti knows; an ext disk passes any other key to its provider.</summary>
    public static readonly IReadOnlySet<string> DiskKeys = new HashSet<string>(StringComparer.Ordinal)
        { "size", "mode", "name", "vg", "metavg", "spindles", "adopt", "provider", "access", "uuid" };

    /// <param name="Template">the instance's disk template</param>
    /// <param name="PrimaryNode">uuid of the primary node</param>
    /// <param name="SecondaryNode">uuid of the secondary node (drbd only)</param>
    /// <param name="FileDriver">loop, blktap, blktap2 (file templates)</param>
    /// <param name="StorageSubdir">directory below the cluster's (shared) file storage directory</param>
    public sealed record Request(string Template, string PrimaryNode, string? SecondaryNode, string FileDriver, string StorageSubdir);

    public static long? SizeOf(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : (long)e.GetDouble(),
        JsonValueKind.String => long.TryParse(e.GetString(), out var s) ? s : null,
        _ => null,
    };

    public static Disk Make(ConfigData cfg, Request r, int index, IReadOnlyDictionary<string, JsonElement> spec, double now)
    {
        var uuid = Guid.NewGuid().ToString();
        var size = spec.TryGetValue("size", out var s) ? SizeOf(s) ?? 0 : 0;
        var disk = new Disk
        {
            Uuid = uuid,
            Name = Params.GetString(spec, "name"),
            DevType = r.Template,
            Nodes = [r.PrimaryNode],
            IvName = $"disk/{index}",
            Size = size,
            Mode = Params.GetString(spec, "mode") ?? "rw",
            Spindles = spec.TryGetValue("spindles", out var sp) && sp.TryGetInt32(out var spi) ? spi : null,
            Ctime = now,
            Mtime = now,
        };
        switch (r.Template)
        {
            case "file":
            {
                var dir = Path.Combine(cfg.Cluster.FileStorageDir, CheckRelative(r.StorageSubdir));
                disk.LogicalId = [Params.Value(r.FileDriver), Params.Value(Path.Combine(dir, $"{uuid}.file.disk{index}"))];
                break;
            }
            case "sharedfile":
            {
                var dir = Path.Combine(cfg.Cluster.SharedFileStorageDir, CheckRelative(r.StorageSubdir));
                disk.LogicalId = [Params.Value(r.FileDriver), Params.Value(Path.Combine(dir, $"{uuid}.file.disk{index}"))];
                break;
            }
            case "plain":
            {
                var vg = Params.GetString(spec, "vg") ?? cfg.Cluster.VolumeGroupName;
                var lv = Params.GetString(spec, "adopt") ?? $"{uuid}.disk{index}";
                disk.LogicalId = [Params.Value(vg), Params.Value(lv)];
                break;
            }
            case "blockdev":
                disk.LogicalId = [Params.Value("manual"), Params.Value(Params.GetString(spec, "adopt")
                    ?? throw GanetiException.WrongInput($"Disk template 'blockdev' needs an existing device to adopt for disk/{index}"))];
                break;
            case "ext":
            {
                var provider = Params.GetString(spec, "provider")
                    ?? throw GanetiException.WrongInput($"Missing provider for ext disk/{index}");
                disk.LogicalId = [Params.Value(provider), Params.Value($"{uuid}.ext.disk{index}")];
                disk.Params["provider"] = Params.Value(provider);
                foreach (var (k, v) in spec.Where(kv => !DiskKeys.Contains(kv.Key)))
                    disk.Params[k] = v;
                break;
            }
            case "rbd":
                disk.LogicalId = [Params.Value("rbd"), Params.Value($"{uuid}.rbd.disk{index}")];
                break;
            case "drbd":
            {
                // Ganeti's layout: a data LV and a 128 MiB metadata LV on each node under the
                // mirror; a port from the cluster's pool, a minor free on each node, a shared secret.
                var snode = r.SecondaryNode ?? throw GanetiException.Program("A drbd disk needs a secondary node");
                var vg = Params.GetString(spec, "vg") ?? cfg.Cluster.VolumeGroupName;
                var metaVg = Params.GetString(spec, "metavg") ?? vg;
                Disk Lv(string v, string lv, long mib) => new()
                {
                    Uuid = Guid.NewGuid().ToString(), DevType = "plain", Nodes = [r.PrimaryNode, snode], Size = mib,
                    LogicalId = [Params.Value(v), Params.Value(lv)], Ctime = now, Mtime = now,
                };
                disk.Children = [Lv(vg, $"{uuid}.disk{index}_data", size), Lv(metaVg, $"{uuid}.disk{index}_meta", DrbdMetaSizeMiB)];
                disk.Nodes = [r.PrimaryNode, snode];
                var port = AllocatePort(cfg);
                disk.LogicalId =
                [
                    Params.Value(r.PrimaryNode), Params.Value(snode), JsonSerializer.SerializeToElement(port),
                    JsonSerializer.SerializeToElement(FreeMinor(cfg, r.PrimaryNode)), JsonSerializer.SerializeToElement(FreeMinor(cfg, snode)),
                    Params.Value(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20))),
                ];
                break;
            }
            default:
                throw GanetiException.Prereq($"Disk template '{r.Template}' cannot be created by this master yet", ErrorCodes.WrongInput);
        }
        return disk;
    }

    /// <summary>A TCP port (console or DRBD), from the cluster's pool or the next unused one.</summary>
    public static int AllocatePort(ConfigData cfg)
    {
        if (cfg.Cluster.TcpudpPortPool.Count > 0)
        {
            var port = cfg.Cluster.TcpudpPortPool.Min();
            cfg.Cluster.TcpudpPortPool.Remove(port);
            return port;
        }
        var next = Math.Max(cfg.Cluster.HighestUsedPort, 11000 - 1) + 1;
        if (next > 14999)
            throw GanetiException.Prereq("The cluster has run out of network ports", ErrorCodes.InsufficientResources);
        cfg.Cluster.HighestUsedPort = next;
        return next;
    }

    /// <summary>The lowest DRBD minor no disk in the configuration uses on the node.</summary>
    public static int FreeMinor(ConfigData cfg, string nodeUuid)
    {
        var used = new HashSet<int>();
        foreach (var d in cfg.Disks.Values.Where(d => d.DevType == "drbd" && d.LogicalId.Count == 6))
        {
            if (d.LogicalId[0].GetString() == nodeUuid) used.Add(d.LogicalId[3].GetInt32());
            if (d.LogicalId[1].GetString() == nodeUuid) used.Add(d.LogicalId[4].GetInt32());
        }
        var minor = 0;
        while (used.Contains(minor)) minor++;
        return minor;
    }

    /// <summary>Gives a removed disk's DRBD port back to the cluster's pool.</summary>
    public static void ReleasePorts(ConfigData cfg, Disk disk)
    {
        if (disk.DevType == "drbd" && disk.LogicalId.Count == 6 && disk.LogicalId[2].GetInt32() is var port
            && !cfg.Cluster.TcpudpPortPool.Contains(port))
            cfg.Cluster.TcpudpPortPool.Add(port);
    }

    private static string CheckRelative(string sub)
    {
        if (Path.IsPathRooted(sub) || sub.Split('/').Any(p => p is ".." or "."))
            throw GanetiException.WrongInput($"file_storage_dir '{sub}' must be a relative path below the cluster's file storage directory");
        return sub;
    }
}
