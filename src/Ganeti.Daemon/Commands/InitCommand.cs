using System.Text.Json;
using Ganeti.Core.Paths;
using Ganeti.Daemon.Cli;
using Ganeti.Master.Config;
using Ganeti.Master.Rpc;

namespace Ganeti.Daemon.Commands;

/// <summary>`ganetid init`: creates a cluster on this machine, like gnt-cluster init.</summary>
public static class InitCommand
{
    public static readonly IReadOnlyList<OptionSpec> Options =
    [
        new("root", "DIR", "Root of the state tree (default /): var/lib/ganeti, srv/ganeti, var/run/ganeti live below it"),
        new("cluster-name", "NAME", "Name of the new cluster (may also be given as the only argument)"),
        new("enabled-hypervisors", "LIST", "Comma-separated hypervisors to enable, the first is the default (e.g. kvm,fake)"),
        new("enabled-disk-templates", "LIST", "Comma-separated disk templates to enable (e.g. file,diskless,plain)"),
        new("node-name", "NAME", "Name of this node (default: the host name)"),
        new("primary-ip", "IP", "Primary IP address of this node (default: the node name's address, else 127.0.0.1)"),
        new("secondary-ip", "IP", "Secondary (replication) IP address of this node", "s"),
        new("master-ip", "IP", "The cluster's master IP address (default: the primary IP)"),
        new("master-netdev", "DEV", "Network device the master IP lives on (default lo)"),
        new("master-netmask", "BITS", "Netmask of the master IP (default 32)"),
        new("file-storage-dir", "DIR", "Directory for file-based disks (default ROOT/srv/ganeti/file-storage)"),
        new("shared-file-storage-dir", "DIR", "Directory for sharedfile disks (default ROOT/srv/ganeti/shared-file-storage)"),
        new("os-search-path", "DIRS", "Colon-separated directories searched for OS definitions (default: /srv/ganeti/os and the other Debian directories); each node searches each directory under its own root first, then as given"),
        new("mac-prefix", "PREFIX", "Prefix of generated MAC addresses (default aa:00:00)"),
        new("vg-name", "VG", "LVM volume group for plain and drbd disks"),
        new("hypervisor-parameters", "HV:K=V,...", "Cluster-wide hypervisor parameters, e.g. kvm:kvm_flag=disabled (repeatable)", "H", Repeatable: true),
        new("backend-parameters", "K=V,...", "Cluster-wide backend parameters, e.g. maxmem=256,vcpus=1", "B"),
        new("nic-parameters", "K=V,...", "Cluster-wide NIC parameters, e.g. mode=bridged,link=br0", "N"),
        new("candidate-pool-size", "N", "Number of master candidates to keep (default 10)"),
        new("max-running-jobs", "N", "Jobs that may run at the same time (default 20)"),
        new("default-iallocator", "NAME", "Instance allocator used when no node is given", "I"),
        new("rapi-user", "NAME:PASSWORD", "Add a RAPI user with write access to the users file (repeatable)", Repeatable: true),
    ];

    public const string Usage = "ganetid init [options] [CLUSTER-NAME]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var p = new ArgParser("ganetid init", Options, args);
        if (p.HelpRequested)
        {
            stdout.WriteLine(ArgParser.Help(Usage,
                "Initialises a new cluster with this machine as its master node: configuration, cluster certificate,\n" +
                "default node group, RAPI users file and ssconf files, all under --root.", Options));
            return 0;
        }
        var name = p.Get("cluster-name") ?? (p.Positional.Count == 1 ? p.Positional[0] : null)
            ?? throw new UsageException("missing the cluster name (--cluster-name NAME)");
        if (p.Positional.Count > (p.Get("cluster-name") is null ? 1 : 0))
            throw new UsageException($"unexpected argument '{p.Positional[^1]}'");
        var hvparams = new Dictionary<string, Dictionary<string, JsonElement>>();
        foreach (var h in p.GetAll("hypervisor-parameters"))
        {
            var (hv, values) = ParamParser.HypervisorParams(h);
            hvparams[hv] = values;
        }
        var options = new InitOptions
        {
            Root = p.Get("root") ?? "/",
            ClusterName = name,
            EnabledHypervisors = ArgParser.List(p.Required("enabled-hypervisors")),
            EnabledDiskTemplates = ArgParser.List(p.Required("enabled-disk-templates")),
            NodeName = p.Get("node-name"),
            PrimaryIp = p.Get("primary-ip"),
            SecondaryIp = p.Get("secondary-ip"),
            MasterIp = p.Get("master-ip"),
            MasterNetdev = p.Get("master-netdev") ?? "lo",
            MasterNetmask = p.Int("master-netmask", 32, 0, 128),
            FileStorageDir = p.Get("file-storage-dir"),
            SharedFileStorageDir = p.Get("shared-file-storage-dir"),
            OsSearchPath = p.Get("os-search-path")?.Split(':', StringSplitOptions.RemoveEmptyEntries),
            MacPrefix = p.Get("mac-prefix") ?? "aa:00:00",
            VolumeGroupName = p.Get("vg-name") ?? "",
            Hvparams = hvparams,
            Beparams = p.Get("backend-parameters") is { } b ? ParamParser.KeyValues(b, "-B") : [],
            Nicparams = p.Get("nic-parameters") is { } n ? ParamParser.KeyValues(n, "-N") : [],
            CandidatePoolSize = p.Int("candidate-pool-size", 10, 1),
            MaxRunningJobs = p.Int("max-running-jobs", 20, 1, 10000),
            DefaultIallocator = p.Get("default-iallocator") ?? "",
        };
        var users = p.GetAll("rapi-user").Select(u =>
        {
            var colon = u.IndexOf(':');
            if (colon <= 0 || colon == u.Length - 1)
                throw new UsageException($"--rapi-user needs NAME:PASSWORD, got '{u}'");
            if (u[..colon].Any(char.IsWhiteSpace) || u[(colon + 1)..].Any(char.IsWhiteSpace))
                throw new UsageException("--rapi-user: names and passwords cannot contain white space");
            return (Name: u[..colon], Password: u[(colon + 1)..]);
        }).ToList();
        var cfg = ClusterBootstrap.Init(options);
        var paths = new GanetiPaths(options.Root);
        if (users.Count > 0)
            File.AppendAllLines(paths.RapiUsers, users.Select(u => $"{u.Name} {{cleartext}}{u.Password} write"));
        string keyNote;
        try
        {
            await NodeSsh.CreateClusterKeyAsync(paths, $"ganeti cluster key of {cfg.Cluster.ClusterName}", cancellationToken);
            keyNote = $"{paths.ClusterSshPublicKey} (allow it on each node to run only 'ganetid node --stdio')";
        }
        catch (Core.Errors.GanetiException e)
        {
            // A single-node cluster works without it; node add needs it and says so.
            keyNote = $"not created ({e.Message}); install openssh-client before adding nodes";
            Console.Error.WriteLine($"ganetid init: warning: the cluster SSH key was not created: {e.Message}");
        }
        // The master's own host key goes into known_hosts too: a candidate taking over must reach this node to stop it.
        string hostKeyNote;
        try
        {
            hostKeyNote = await new NodeSsh(paths) { KeyscanTimeout = TimeSpan.FromSeconds(5) }
                .EnsureHostKeyAsync(cfg.MasterNode.Name, cfg.MasterNode.PrimaryIp, 22, cancellationToken);
        }
        catch (Core.Errors.GanetiException e)
        {
            hostKeyNote = $"not recorded ({e.Message})";
            Console.Error.WriteLine($"ganetid init: warning: this node's SSH host key was not recorded, so a master failover cannot " +
                                    $"reach it: {e.Message}");
        }
        stdout.WriteLine($"Cluster {cfg.Cluster.ClusterName} initialised under {paths.Root}");
        stdout.WriteLine($"  master node: {cfg.MasterNode.Name} ({cfg.MasterNode.PrimaryIp})");
        stdout.WriteLine($"  hypervisors: {string.Join(", ", cfg.Cluster.EnabledHypervisors)}; disk templates: {string.Join(", ", cfg.Cluster.EnabledDiskTemplates)}");
        stdout.WriteLine($"  cluster SSH key: {keyNote}");
        stdout.WriteLine($"  host key of {cfg.MasterNode.Name}: {hostKeyNote}");
        stdout.WriteLine($"  start the master with: ganetid master --root {paths.Root}");
        return 0;
    }
}
