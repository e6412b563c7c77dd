using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Paths;
using Ganeti.Master.Config;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.Replication;

/// <summary>
/// Runs after every configuration write, before the change reports success (Ganeti's
/// ConfigWriter distribution): config.data to every online master candidate with, when they
/// changed, the files a candidate needs to take over as master (known_hosts, the cluster SSH key,
/// the certificates, the RAPI users); the ssconf files to every online node when they changed. A candidate that is new, or that
/// was offline or unreachable, also gets the whole job queue. A node that cannot be reached is
/// reported in the job's log, not fatal: marking it offline must stay possible, and the next
/// write retries it.
/// </summary>
public sealed class ConfigReplicator
{
    private readonly GanetiPaths paths;
    private readonly NodeRpcClient rpc;
    private readonly Dictionary<string, string> ssconfPushed = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Node, string File), string> filesPushed = [];
    private readonly Dictionary<string, string> failed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);
    private HashSet<string> candidates;

    public ConfigReplicator(GanetiPaths paths, NodeRpcClient rpc, JobQueueReplicator queue, ConfigData initial)
    {
        this.paths = paths;
        this.rpc = rpc;
        Queue = queue;
        candidates = OnlineCandidates(initial);
    }

    public JobQueueReplicator Queue { get; }

    /// <summary>How long one node may take to take one file.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    private static HashSet<string> OnlineCandidates(ConfigData cfg) =>
        cfg.Nodes.Values.Where(n => n.MasterCandidate && !n.Offline && n.Uuid != cfg.Cluster.MasterNode)
            .Select(n => n.Uuid).ToHashSet(StringComparer.Ordinal);

    /// <summary>The <see cref="ConfigStore.AfterWrite"/> hook.</summary>
    public async Task ReplicateAsync(ConfigData cfg, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            foreach (var (_, message) in await PushAsync(cfg, null).ConfigureAwait(false))
                ReplicationFeedback.Warn(message);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Nodes the last pushes could not update, with the reason.</summary>
    public IReadOnlyDictionary<string, string> Failed
    {
        get
        {
            lock (failed) return new Dictionary<string, string>(failed);
        }
    }

    /// <summary>
    /// Makes sure one node is up to date (node add, node back online) and throws if it cannot be:
    /// ssconf, and the configuration and queue when it is a candidate. Nothing is sent again when
    /// the push of the last write reached it.
    /// </summary>
    public async Task SyncNodeAsync(ConfigData cfg, string nodeUuid)
    {
        await gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            bool hasFailed;
            lock (failed) hasFailed = failed.ContainsKey(nodeUuid);
            if (!hasFailed && ssconfPushed.ContainsKey(nodeUuid)) return;
            ForgetFiles(nodeUuid);
            var failures = await PushAsync(cfg, nodeUuid).ConfigureAwait(false);
            if (failures.Count > 0)
                throw Core.Errors.GanetiException.Exec(string.Join("; ", failures.Select(f => f.Message)));
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<IReadOnlyList<(string Uuid, string Message)>> PushAsync(ConfigData cfg, string? only)
    {
        var failures = new List<(string Uuid, string Message)>();
        var master = cfg.Cluster.MasterNode;
        var others = cfg.Nodes.Values.Where(n => n.Uuid != master && (only is null || n.Uuid == only)).ToList();
        foreach (var gone in ssconfPushed.Keys.Concat(filesPushed.Keys.Select(k => k.Node)).Where(u => !cfg.Nodes.ContainsKey(u)).Distinct().ToList())
        {
            ssconfPushed.Remove(gone);
            ForgetFiles(gone);
            lock (failed) failed.Remove(gone);
            Queue.Forget(gone);
        }

        // Candidates: whoever was not one (online) at the last write has missed queue changes.
        var online = OnlineCandidates(cfg);
        foreach (var uuid in online.Where(u => !candidates.Contains(u))) Queue.MarkBehind(uuid);
        if (only is null) candidates = online;
        var mcs = others.Where(n => n.MasterCandidate).ToList();
        foreach (var n in mcs.Where(n => n.Offline))
        {
            Queue.MarkBehind(n.Uuid);
            ForgetFiles(n.Uuid);
        }
        var reached = new List<Node>();
        if (mcs.Count > 0)
        {
            var data = await File.ReadAllBytesAsync(paths.ConfigData).ConfigureAwait(false);
            var answers = await rpc.CallManyAsync(mcs, NodeProcedures.UploadFile, Upload(ClusterFiles.ConfigData, data),
                CancellationToken.None, Timeout).ConfigureAwait(false);
            foreach (var n in mcs.Where(n => !answers[n.Uuid].Offline))
            {
                if (answers[n.Uuid].Ok)
                {
                    reached.Add(n);
                    continue;
                }
                Queue.MarkBehind(n.Uuid);
                ForgetFiles(n.Uuid);
                failures.Add((n.Uuid, $"Could not copy the configuration to master candidate {n.Name}: {answers[n.Uuid].Error?.Message}; " +
                             "it catches up on a later change"));
            }
        }

        foreach (var (name, local) in CandidateFiles(paths))
        {
            if (reached.Count == 0 || !File.Exists(local)) continue;
            var content = await File.ReadAllBytesAsync(local).ConfigureAwait(false);
            var hash = Hash(content);
            var due = reached.Where(n => filesPushed.GetValueOrDefault((n.Uuid, name)) != hash).ToList();
            if (due.Count == 0) continue;
            var answers = await rpc.CallManyAsync(due, NodeProcedures.UploadFile, Upload(name, content),
                CancellationToken.None, Timeout).ConfigureAwait(false);
            foreach (var n in due)
            {
                if (answers[n.Uuid].Ok) filesPushed[(n.Uuid, name)] = hash;
                else failures.Add((n.Uuid, $"Could not copy {Path.GetFileName(name)} to master candidate {n.Name}: {answers[n.Uuid].Error?.Message}"));
            }
        }
        failures.AddRange(await Queue.CatchUpAsync(reached).ConfigureAwait(false));


        var values = Ssconf.Values(cfg);
        var ssconfHash = Hash(Encoding.UTF8.GetBytes(string.Join("\0", values.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value))));
        foreach (var n in others.Where(n => n.Offline)) ssconfPushed.Remove(n.Uuid);
        var targets = others.Where(n => !n.Offline && ssconfPushed.GetValueOrDefault(n.Uuid) != ssconfHash).ToList();
        if (targets.Count > 0)
        {
            var args = new JsonObject { ["values"] = new JsonObject(values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))) };
            var answers = await rpc.CallManyAsync(targets, NodeProcedures.WriteSsconfFiles, args, CancellationToken.None, Timeout)
                .ConfigureAwait(false);
            foreach (var n in targets)
            {
                if (answers[n.Uuid].Ok) ssconfPushed[n.Uuid] = ssconfHash;
                else failures.Add((n.Uuid, $"Could not write the ssconf files on node {n.Name}: {answers[n.Uuid].Error?.Message}"));
            }
        }
        lock (failed)
        {
            foreach (var n in others) failed.Remove(n.Uuid);
            foreach (var (uuid, message) in failures) failed[uuid] = message;
        }
        return failures;
    }

    /// <summary>
    /// What a master candidate needs besides the configuration to take over as master: the host
    /// keys and private key it reaches the nodes with, the certificates it serves with, the RAPI
    /// users. Each is (name on the node, path on the master).
    /// </summary>
    public static IReadOnlyList<(string Name, string Local)> CandidateFiles(GanetiPaths paths) =>
    [
        (ClusterFiles.KnownHosts, paths.KnownHosts),
        (ClusterFiles.ClusterSshKey, paths.ClusterSshKey),
        (ClusterFiles.ClusterSshPublicKey, paths.ClusterSshPublicKey),
        (ClusterFiles.ClusterCert, paths.ClusterCert),
        (ClusterFiles.RapiCert, paths.RapiCert),
        (ClusterFiles.RapiUsers, paths.RapiUsers),
        (ClusterFiles.ClusterDomainSecret, paths.ClusterDomainSecret),
    ];

    private void ForgetFiles(string nodeUuid)
    {
        foreach (var key in filesPushed.Keys.Where(k => k.Node == nodeUuid).ToList()) filesPushed.Remove(key);
    }

    /// <summary>One payload for every node: encoded (compressed when large) once, whatever the number of candidates.</summary>
    private static JsonObject Upload(string name, byte[] data)
    {
        var args = UploadContent.Encode(data);
        args["file_name"] = name;
        args["mode"] = Convert.ToInt32("600", 8);
        return args;
    }

    private static string Hash(byte[] data) => Convert.ToHexString(SHA256.HashData(data));
}
