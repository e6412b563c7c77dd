using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Paths;
using Ganeti.Master.Util;

namespace Ganeti.Master.Config;

/// <summary>What `ganetid init` (gnt-cluster init) needs to know.</summary>
public sealed record InitOptions
{
    public required string Root { get; init; }
    public required string ClusterName { get; init; }
    public required IReadOnlyList<string> EnabledHypervisors { get; init; }
    public required IReadOnlyList<string> EnabledDiskTemplates { get; init; }
    public string? NodeName { get; init; }
    public string? PrimaryIp { get; init; }
    public string? SecondaryIp { get; init; }
    public string? MasterIp { get; init; }
    public string MasterNetdev { get; init; } = "lo";
    public int MasterNetmask { get; init; } = 32;
    public string? FileStorageDir { get; init; }
    public string? SharedFileStorageDir { get; init; }
    public IReadOnlyList<string>? OsSearchPath { get; init; }
    public string MacPrefix { get; init; } = "aa:00:00";
    public string VolumeGroupName { get; init; } = "";
    public Dictionary<string, Dictionary<string, JsonElement>> Hvparams { get; init; } = [];
    public Dictionary<string, JsonElement> Beparams { get; init; } = [];
    public Dictionary<string, JsonElement> Nicparams { get; init; } = [];
    public int CandidatePoolSize { get; init; } = 10;
    public int MaxRunningJobs { get; init; } = 20;
    public string DefaultIallocator { get; init; } = "";
}

/// <summary>
/// Creates a new cluster on this machine, like gnt-cluster init: the configuration with Ganeti's
/// defaults, the cluster certificate, a default node group, this machine as master node, the
/// RAPI users file and the ssconf files.
/// </summary>
public static class ClusterBootstrap
{
    private static readonly HashSet<string> KnownHypervisors = ["kvm", "fake", "xen-pvm", "xen-hvm", "lxc", "chroot"];
    private static readonly HashSet<string> KnownTemplates = ["diskless", "file", "sharedfile", "plain", "drbd", "blockdev", "rbd", "ext", "gluster"];

    public static ConfigData Init(InitOptions o)
    {
        var paths = new GanetiPaths(o.Root);
        if (File.Exists(paths.ConfigData))
            throw GanetiException.Prereq($"A cluster is already initialised here ({paths.ConfigData})", ErrorCodes.WrongState);
        var clusterName = LogicalUnits.Instance.InstanceOps.CheckName(o.ClusterName, "cluster");
        if (o.EnabledHypervisors.Count == 0)
            throw GanetiException.WrongInput("At least one hypervisor must be enabled (--enabled-hypervisors)");
        foreach (var hv in o.EnabledHypervisors.Where(h => !KnownHypervisors.Contains(h)))
            throw GanetiException.WrongInput($"Unknown hypervisor '{hv}' (known: {string.Join(", ", KnownHypervisors.Order())})");
        if (o.EnabledDiskTemplates.Count == 0)
            throw GanetiException.WrongInput("At least one disk template must be enabled (--enabled-disk-templates)");
        foreach (var t in o.EnabledDiskTemplates.Where(t => !KnownTemplates.Contains(t)))
            throw GanetiException.WrongInput($"Unknown disk template '{t}' (known: {string.Join(", ", KnownTemplates.Order())})");
        if ((o.EnabledDiskTemplates.Contains("plain") || o.EnabledDiskTemplates.Contains("drbd")) && string.IsNullOrEmpty(o.VolumeGroupName))
            throw GanetiException.WrongInput("The plain and drbd disk templates need a volume group (--vg-name)");
        if (!System.Text.RegularExpressions.Regex.IsMatch(o.MacPrefix, "^[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$"))
            throw GanetiException.WrongInput($"Invalid MAC prefix '{o.MacPrefix}' (three lower-case hex octets, e.g. aa:00:00)");
        foreach (var (hv, p) in o.Hvparams)
        {
            if (!o.EnabledHypervisors.Contains(hv))
                throw GanetiException.WrongInput($"Hypervisor parameters given for '{hv}', which is not enabled");
            var defaults = ClusterDefaults.Hypervisor(hv);
            var unknown = p.Keys.Where(k => !defaults.ContainsKey(k)).ToList();
            if (unknown.Count > 0)
                throw GanetiException.WrongInput($"Unknown hypervisor parameter(s) for {hv}: {string.Join(", ", unknown)}");
        }

        var nodeName = LogicalUnits.Instance.InstanceOps.CheckName(o.NodeName ?? Dns.GetHostName(), "node");
        var primaryIp = o.PrimaryIp ?? ResolveOrLoopback(nodeName);
        if (!IPAddress.TryParse(primaryIp, out _))
            throw GanetiException.WrongInput($"Invalid primary IP address '{primaryIp}'");

        var now = ConfigStore.Now();
        var groupUuid = Guid.NewGuid().ToString();
        var nodeUuid = Guid.NewGuid().ToString();
        var fileDir = Path.GetFullPath(o.FileStorageDir ?? paths.DefaultFileStorageDir);
        var sharedDir = Path.GetFullPath(o.SharedFileStorageDir ?? paths.DefaultSharedFileStorageDir);

        var hvparams = new Dictionary<string, Dictionary<string, JsonElement>>();
        foreach (var hv in ClusterDefaults.Hypervisors)
            hvparams[hv] = Params.Fill(ClusterDefaults.Hypervisor(hv), o.Hvparams.GetValueOrDefault(hv));

        var cfg = new ConfigData
        {
            Ctime = now,
            Mtime = now,
            Cluster = new Core.Config.Cluster
            {
                Uuid = Guid.NewGuid().ToString(),
                ClusterName = clusterName,
                MasterNode = nodeUuid,
                MasterIp = o.MasterIp ?? primaryIp,
                MasterNetdev = o.MasterNetdev,
                MasterNetmask = o.MasterNetmask,
                MacPrefix = o.MacPrefix,
                VolumeGroupName = o.VolumeGroupName,
                FileStorageDir = fileDir,
                SharedFileStorageDir = sharedDir,
                EnabledHypervisors = [.. o.EnabledHypervisors],
                EnabledDiskTemplates = [.. o.EnabledDiskTemplates],
                Hvparams = hvparams,
                Beparams = new() { ["default"] = Params.Fill(ClusterDefaults.Backend(), o.Beparams) },
                Nicparams = new() { ["default"] = Params.Fill(ClusterDefaults.Nic(), o.Nicparams) },
                Ndparams = ClusterDefaults.Node(),
                Diskparams = ClusterDefaults.Disk(),
                Ipolicy = ClusterDefaults.InstancePolicy(),
                CandidatePoolSize = o.CandidatePoolSize,
                MaxRunningJobs = o.MaxRunningJobs,
                DefaultIallocator = o.DefaultIallocator,
                // Stored as Ganeti names it; every node searches it under its own root first.
                OsSearchPath = [.. (o.OsSearchPath ?? GanetiPaths.DefaultOsSearchPath)],
                Ctime = now,
                Mtime = now,
            },
        };
        cfg.Nodegroups[groupUuid] = new NodeGroup { Uuid = groupUuid, Name = "default", Ctime = now, Mtime = now };
        cfg.Nodes[nodeUuid] = new Node
        {
            Uuid = nodeUuid,
            Name = nodeName,
            PrimaryIp = primaryIp,
            SecondaryIp = o.SecondaryIp ?? primaryIp,
            MasterCandidate = true,
            Group = groupUuid,
            RootDir = paths.Root,
            Ctime = now,
            Mtime = now,
        };

        foreach (var dir in new[] { paths.DataDir, paths.QueueDir, paths.QueueArchiveDir, Path.GetDirectoryName(paths.RapiUsers)!,
                     paths.RunDir, paths.LogDir, paths.OsLogDir, paths.Under("srv/ganeti/os"), fileDir, sharedDir, paths.ExportDir, Path.GetDirectoryName(paths.FileStoragePathsFile)! })
            Directory.CreateDirectory(dir);
        WriteCertificate(paths.ClusterCert, clusterName);
        File.Copy(paths.ClusterCert, paths.RapiCert, overwrite: true);
        AtomicFile.Write(paths.ClusterDomainSecret, Encoding.ASCII.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant() + "\n"));
        AtomicFile.Write(paths.FileStoragePathsFile, Encoding.UTF8.GetBytes(
            "# Directories where file-based instance disks may live (one per line)\n" + fileDir + "\n" + sharedDir + "\n"));
        if (!File.Exists(paths.RapiUsers))
            AtomicFile.Write(paths.RapiUsers, Encoding.UTF8.GetBytes(
                "# RAPI users: name password [options]\n# password: {cleartext}secret or {HA1}md5(name:Ganeti Remote API:secret)\n# options: read or write\n"));
        ConfigStore.Create(paths.ConfigData, cfg);
        Ssconf.Write(paths, cfg);
        return cfg;
    }

    private static string ResolveOrLoopback(string name)
    {
        try
        {
            var addresses = Dns.GetHostAddresses(name);
            return (addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? IPAddress.Loopback).ToString();
        }
        catch (System.Net.Sockets.SocketException)
        {
            return IPAddress.Loopback.ToString();
        }
    }

    /// <summary>A self-signed certificate and its key in one PEM file, as Ganeti's server.pem.</summary>
    public static void WriteCertificate(string path, string commonName)
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(commonName);
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        var pem = key.ExportPkcs8PrivateKeyPem() + "\n" + cert.ExportCertificatePem() + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, Encoding.ASCII.GetBytes(pem));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}

/// <summary>Small per-node facts (ssconf_*), one value per file, as Ganeti writes them.</summary>
public static class Ssconf
{
    public static IReadOnlyDictionary<string, string> Values(ConfigData cfg)
    {
        var nodes = cfg.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var master = cfg.Nodes.GetValueOrDefault(cfg.Cluster.MasterNode);
        return new Dictionary<string, string>
        {
            ["cluster_name"] = cfg.Cluster.ClusterName,
            ["master_node"] = master?.Name ?? "",
            ["master_ip"] = cfg.Cluster.MasterIp,
            ["master_netdev"] = cfg.Cluster.MasterNetdev,
            ["master_netmask"] = cfg.Cluster.MasterNetmask.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["node_list"] = string.Join("\n", nodes.Select(n => n.Name)),
            ["node_primary_ips"] = string.Join("\n", nodes.Select(n => $"{n.Name} {n.PrimaryIp}")),
            ["node_secondary_ips"] = string.Join("\n", nodes.Select(n => $"{n.Name} {n.SecondaryIp}")),
            ["online_nodes"] = string.Join("\n", nodes.Where(n => !n.Offline).Select(n => n.Name)),
            ["offline_nodes"] = string.Join("\n", nodes.Where(n => n.Offline).Select(n => n.Name)),
            ["master_candidates"] = string.Join("\n", nodes.Where(n => n.MasterCandidate).Select(n => n.Name)),
            ["master_candidates_ips"] = string.Join("\n", nodes.Where(n => n.MasterCandidate).Select(n => n.PrimaryIp)),
            ["instance_list"] = string.Join("\n", cfg.Instances.Values.Select(i => i.Name).Order(StringComparer.Ordinal)),
            ["nodegroups"] = string.Join("\n", cfg.Nodegroups.Values.OrderBy(g => g.Name, StringComparer.Ordinal).Select(g => $"{g.Uuid} {g.Name}")),
            ["file_storage_dir"] = cfg.Cluster.FileStorageDir,
            ["shared_file_storage_dir"] = cfg.Cluster.SharedFileStorageDir,
            ["enabled_hypervisors"] = string.Join("\n", cfg.Cluster.EnabledHypervisors),
            ["release_version"] = Core.ProjectInfo.GanetiCompatVersion,
        };
    }

    public static void Write(GanetiPaths paths, ConfigData cfg)
    {
        foreach (var (key, value) in Values(cfg))
        {
            var file = paths.SsconfPrefix + key;
            var bytes = Encoding.UTF8.GetBytes(value + "\n");
            if (File.Exists(file) && File.ReadAllBytes(file).AsSpan().SequenceEqual(bytes)) continue;
            AtomicFile.Write(file, bytes, durable: false);
        }
    }
}
