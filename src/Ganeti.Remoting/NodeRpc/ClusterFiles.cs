using System.Text.RegularExpressions;

namespace Ganeti.Remoting.NodeRpc;

/// <summary>
/// The files the master copies to nodes, named relative to a node's root (every node has its
/// own root, so absolute paths mean nothing across nodes). A node writes nothing else on the
/// master's behalf: this list is the whole of what upload_file and jobqueue_update may touch.
/// </summary>
public static partial class ClusterFiles
{
    public const string DataDir = "var/lib/ganeti";
    public const string ConfigData = DataDir + "/config.data";
    public const string KnownHosts = DataDir + "/known_hosts";
    public const string RapiUsers = DataDir + "/rapi/users";
    public const string ClusterDomainSecret = DataDir + "/cluster-domain-secret";
    public const string QueueDir = DataDir + "/queue";
    public const string ClusterSshKey = DataDir + "/id_cluster";
    public const string ClusterSshPublicKey = DataDir + "/id_cluster.pub";
    public const string ClusterCert = DataDir + "/server.pem";
    public const string RapiCert = DataDir + "/rapi.pem";

    /// <summary>
    /// Files upload_file accepts (Ganeti's _ALLOWED_UPLOAD_FILES, minus what we do not have): the
    /// configuration and what a master candidate needs to take over as master.
    /// </summary>
    public static readonly IReadOnlySet<string> Uploadable = new HashSet<string>(StringComparer.Ordinal)
    {
        ConfigData, KnownHosts, RapiUsers, ClusterDomainSecret, ClusterSshKey, ClusterSshPublicKey, ClusterCert, RapiCert,
    };

    /// <summary>An ssconf key: lower-case letters, digits and underscores (the file is ssconf_KEY).</summary>
    public static bool IsSsconfKey(string key) => SsconfKey().IsMatch(key);

    /// <summary>A name inside the queue directory that jobqueue_update/rename may write: serial, job-N, archive/N/job-N.</summary>
    public static bool IsQueueFile(string name) => QueueFile().IsMatch(name);

    [GeneratedRegex("^[a-z0-9_]{1,64}$")]
    private static partial Regex SsconfKey();

    [GeneratedRegex("^(serial|version|job-[0-9]{1,18}|archive/[0-9]{1,18}/job-[0-9]{1,18})$")]
    private static partial Regex QueueFile();
}
