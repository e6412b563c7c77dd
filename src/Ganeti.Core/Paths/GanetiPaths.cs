namespace Ganeti.Core.Paths;

/// <summary>
/// Every path GanetiCluster uses, hung off one root directory (default "/") so that tests,
/// demos and several nodes on one machine each get their own tree.
/// </summary>
public sealed class GanetiPaths
{
    public GanetiPaths(string root)
    {
        if (string.IsNullOrEmpty(root)) throw new ArgumentException("root must not be empty", nameof(root));
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string Under(string relative) => Path.Combine(Root, relative);

    public string DataDir => Under("var/lib/ganeti");
    public string ConfigData => Path.Combine(DataDir, "config.data");
    public string QueueDir => Path.Combine(DataDir, "queue");
    public string QueueArchiveDir => Path.Combine(QueueDir, "archive");
    public string QueueSerial => Path.Combine(QueueDir, "serial");
    public string QueueDrainFlag => Path.Combine(QueueDir, "drain");
    public string QueueVersion => Path.Combine(QueueDir, "version");
    public string RapiUsers => Path.Combine(DataDir, "rapi", "users");
    public string ClusterCert => Path.Combine(DataDir, "server.pem");
    public string RapiCert => Path.Combine(DataDir, "rapi.pem");
    public string ClusterDomainSecret => Path.Combine(DataDir, "cluster-domain-secret");
    public string SsconfPrefix => Path.Combine(DataDir, "ssconf_");

    /// <summary>The cluster's SSH key (private part; ".pub" beside it): the master's only identity towards nodes.</summary>
    public string ClusterSshKey => Path.Combine(DataDir, "id_cluster");
    public string ClusterSshPublicKey => ClusterSshKey + ".pub";

    /// <summary>The host keys of the cluster's nodes, the only ones the master's ssh client accepts.</summary>
    public string KnownHosts => Path.Combine(DataDir, "known_hosts");
    public string HooksDir => Under("etc/ganeti/hooks");
    public string FileStoragePathsFile => Under("etc/ganeti/file-storage-paths");

    public string DefaultFileStorageDir => Under("srv/ganeti/file-storage");
    public string DefaultSharedFileStorageDir => Under("srv/ganeti/shared-file-storage");
    public string ExportDir => Under("srv/ganeti/export");
    public string ExtStorageDir => Under("srv/ganeti/extstorage");

    public string RunDir => Under("var/run/ganeti");

    /// <summary>The running master daemon's process id, so that a master failover can stop it over the node channel.</summary>
    public string MasterPidFile => Path.Combine(RunDir, "ganetid-master.pid");
    public string FakeHypervisorDir => Path.Combine(RunDir, "fake-hypervisor");
    public string KvmHypervisorDir => Path.Combine(RunDir, "kvm-hypervisor");
    public string LogDir => Under("var/log/ganeti");
    public string OsLogDir => Path.Combine(LogDir, "os");
    public string JobLogDir => Path.Combine(LogDir, "jobs");

    /// <summary>Ganeti's OS search path on Debian, in order.</summary>
    public static readonly IReadOnlyList<string> DefaultOsSearchPath =
        ["/srv/ganeti/os", "/usr/local/lib/ganeti/os", "/usr/lib/ganeti/os", "/usr/share/ganeti/os"];

    /// <summary>
    /// The OS search path for this tree: Ganeti's directories under the root first, then (when the
    /// root is not "/") the system's own, where Debian's OS definition packages install.
    /// </summary>
    public IReadOnlyList<string> OsSearchPath => ResolveOsSearchPath(DefaultOsSearchPath);

    /// <summary>
    /// The cluster's OS search path as this node searches it: each directory under this node's
    /// root first, then each as given. OS definitions belong to each node (Ganeti never copies
    /// them), so nodes sharing a machine under different roots each have their own.
    /// </summary>
    public IReadOnlyList<string> ResolveOsSearchPath(IEnumerable<string> searchPath)
    {
        var dirs = searchPath.ToList();
        return dirs.Select(p => Under(p.TrimStart('/'))).Concat(dirs).Distinct(StringComparer.Ordinal).ToList();
    }
}
