using System.Text.Json;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Json;
using Ganeti.Core.Paths;
using Ganeti.Master.Config;
using Ganeti.Master.Rpc;
using Ganeti.Master.Util;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.Master.Failover;

/// <summary>
/// gnt-cluster master-failover, run on the master candidate that takes over. The nodes vote on
/// who the master is (a majority must agree with this node's configuration, unless voting is
/// skipped); the newest copy of the configuration and queue among the candidates is taken; the
/// old master's daemon is stopped and its master IP removed when it can be reached; the
/// configuration then names this node as master. Starting the daemon, which aborts the jobs
/// the old master was running and pushes the new configuration to every node, is the caller's.
/// </summary>
public sealed class MasterFailover
{
    private readonly GanetiPaths paths;
    private readonly string nodeName;
    private readonly NodeSsh ssh;
    private readonly NodeRpcHandler local;

    public MasterFailover(GanetiPaths paths, string nodeName, NodeSsh ssh, NodeRpcHandler local)
    {
        this.paths = paths;
        this.nodeName = nodeName;
        this.ssh = ssh;
        this.local = local;
    }

    /// <summary>Skip the vote (the old master and most nodes are gone); this node's copies must then be trusted.</summary>
    public bool NoVoting { get; init; }

    /// <summary>How long a node may take to answer the vote, and the old master to stop.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Progress lines, for the administrator.</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>What a failover did, for the caller and tests.</summary>
    public sealed record Outcome(ConfigData Config, string OldMaster, IReadOnlyDictionary<string, MasterInfo?> Votes, string? StateTakenFrom);

    public async Task<Outcome> RunAsync(CancellationToken cancellationToken)
    {
        var cfg = LoadLocal();
        var me = CheckThisNode(cfg);
        var old = cfg.MasterNode;

        Node? source = null;
        IReadOnlyDictionary<string, MasterInfo?> votes;
        await using (var rpc = new NodeRpcClient(node => node.Uuid == me.Uuid ? new InProcessTransport(node.Name, local) : ssh.Transport(cfg, node)))
        {
            votes = await VoteAsync(rpc, cfg, me, cancellationToken).ConfigureAwait(false);
            source = NewestCopy(cfg, me, votes);
            if (source is not null)
            {
                await TakeStateAsync(rpc, source, cancellationToken).ConfigureAwait(false);
                cfg = LoadLocal();
                me = CheckThisNode(cfg);
                old = cfg.MasterNode;
            }
            await StopOldMasterAsync(rpc, cfg, old, votes, cancellationToken).ConfigureAwait(false);
        }

        var store = ConfigStore.Load(paths);
        await store.UpdateAsync(c => c.Cluster.MasterNode = me.Uuid, cancellationToken).ConfigureAwait(false);
        Ssconf.Write(paths, store.Current);
        Log($"The configuration (serial {store.Current.SerialNo}) now names {me.Name} as master instead of {old.Name}");
        return new Outcome(store.Current, old.Name, votes, source?.Name);
    }

    private ConfigData LoadLocal()
    {
        if (!File.Exists(paths.ConfigData))
            throw GanetiException.Prereq($"This node ({nodeName}) holds no copy of the cluster configuration at {paths.ConfigData}: " +
                                         "only a master candidate can take over as master", ErrorCodes.WrongState);
        return ConfigStore.Load(paths).Current;
    }

    private Node CheckThisNode(ConfigData cfg)
    {
        var me = cfg.FindNode(nodeName)
                 ?? throw GanetiException.Prereq($"This node ({nodeName}) is not in the cluster configuration; give its cluster name with --node-name",
                     ErrorCodes.UnknownEntity);
        if (me.Uuid == cfg.Cluster.MasterNode)
            throw GanetiException.Prereq($"{me.Name} is already the master: run master-failover on the node that is to take over",
                ErrorCodes.WrongState);
        if (!me.MasterCandidate)
            throw GanetiException.Prereq($"{me.Name} is not a master candidate: only a candidate holds the configuration and job queue", ErrorCodes.WrongState);
        if (me.Offline)
            throw GanetiException.Prereq($"{me.Name} is marked offline in the configuration", ErrorCodes.WrongState);
        return me;
    }

    private async Task<IReadOnlyDictionary<string, MasterInfo?>> VoteAsync(NodeRpcClient rpc, ConfigData cfg, Node me, CancellationToken ct)
    {
        var old = cfg.MasterNode;
        var voters = cfg.Nodes.Values.Where(n => !n.Offline && n.Uuid != me.Uuid).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var answers = await rpc.CallManyAsync(voters, NodeProcedures.MasterInfo, null, ct, Timeout).ConfigureAwait(false);
        var votes = new Dictionary<string, MasterInfo?>(StringComparer.Ordinal)
        {
            [me.Name] = new MasterInfo { NodeName = me.Name, MasterNode = old.Name, ConfigSerial = cfg.SerialNo },
        };
        foreach (var n in voters)
        {
            var a = answers[n.Uuid];
            votes[n.Name] = a.Ok ? a.Payload.Deserialize<MasterInfo>(GanetiJson.Options) : null;
            Log(votes[n.Name] is { } v
                ? $"{n.Name} says the master is {(v.MasterNode.Length == 0 ? "(unknown)" : v.MasterNode)}" +
                  (v.ConfigSerial is { } s ? $", configuration serial {s}" : "")
                : $"{n.Name} did not answer: {a.Error?.Message}");
        }
        var total = votes.Count;
        var agree = votes.Values.Count(v => v?.MasterNode == old.Name);
        var summary = string.Join(", ", votes.Select(kv => $"{kv.Key}: {Vote(kv.Value)}"));
        if (agree * 2 > total)
        {
            Log($"{agree} of {total} nodes agree that {old.Name} is the master");
            return votes;
        }
        if (NoVoting)
        {
            Log($"Only {agree} of {total} nodes agree that {old.Name} is the master ({summary}); going on without a majority (--no-voting)");
            return votes;
        }
        var others = votes.Values.Where(v => v is not null && v.MasterNode.Length > 0 && v.MasterNode != old.Name)
            .GroupBy(v => v!.MasterNode).OrderByDescending(g => g.Count()).FirstOrDefault();
        throw GanetiException.Prereq(
            $"Master failover refused: this node's configuration says the master is {old.Name}, but only {agree} of {total} nodes agree " +
            $"({summary})" + (others is null ? "" : $"; {others.Count()} say it is {others.Key}") +
            ". Resync this node's configuration, or if most nodes are down use --no-voting", ErrorCodes.WrongState);
    }

    private static string Vote(MasterInfo? v) => v is null ? "no answer" : v.MasterNode.Length > 0 ? v.MasterNode : "unknown";

    /// <summary>
    /// The node whose copies are newer than this node's, if any: the highest configuration serial,
    /// then the longest queue. The old master answers too when only its daemon died.
    /// </summary>
    private Node? NewestCopy(ConfigData cfg, Node me, IReadOnlyDictionary<string, MasterInfo?> votes)
    {
        var mine = votes[me.Name]!;
        var myQueue = QueueSerial();
        Node? best = null;
        (long Config, long Queue) bestKey = (cfg.SerialNo, myQueue);
        foreach (var (name, v) in votes)
        {
            if (v?.ConfigSerial is not { } serial || name == me.Name) continue;
            if (cfg.FindNode(name) is not { } n || !(n.MasterCandidate || n.Uuid == cfg.Cluster.MasterNode)) continue;
            // On a tie the old master's own copy wins: it is the one that was written first.
            var newer = serial > bestKey.Config || (serial == bestKey.Config && v.QueueSerial > bestKey.Queue) ||
                        (best is not null && n.Uuid == cfg.Cluster.MasterNode && (serial, v.QueueSerial) == bestKey);
            if (newer)
            {
                best = n;
                bestKey = (serial, v.QueueSerial);
            }
        }
        if (best is null) Log($"This node's copies are the newest (configuration serial {mine.ConfigSerial}, last job {myQueue})");
        return best;
    }

    private long QueueSerial() =>
        File.Exists(paths.QueueSerial) && long.TryParse(File.ReadAllText(paths.QueueSerial).Trim(), out var s) ? s : 0;

    private async Task TakeStateAsync(NodeRpcClient rpc, Node source, CancellationToken ct)
    {
        var state = await rpc.CallAsync<MasterState>(source, NodeProcedures.MasterStateRead, null, ct, NodeProcedures.Normal).ConfigureAwait(false);
        var config = Convert.FromBase64String(state.ConfigData);
        var serial = GanetiJson.Deserialize<ConfigData>(config).SerialNo;
        Directory.CreateDirectory(paths.QueueDir);
        foreach (var (name, content) in state.QueueFiles)
        {
            if (!ClusterFiles.IsQueueFile(name) || name.Contains('/')) continue;
            AtomicFile.Write(Path.Combine(paths.QueueDir, name), Convert.FromBase64String(content));
        }
        AtomicFile.Write(paths.ConfigData, config);
        Log($"Took the configuration (serial {serial}) and {state.QueueFiles.Count} queue file(s) from {source.Name}, whose copies are newer");
    }

    private async Task StopOldMasterAsync(NodeRpcClient rpc, ConfigData cfg, Node old, IReadOnlyDictionary<string, MasterInfo?> votes,
        CancellationToken ct)
    {
        if (old.Offline)
        {
            Log($"The old master {old.Name} is marked offline; not contacting it");
            return;
        }
        if (votes.TryGetValue(old.Name, out var vote) && vote is null)
        {
            Log($"Warning: the old master {old.Name} did not answer the vote, so it is not stopped from here; " +
                $"make sure its master daemon is stopped and the master IP {cfg.Cluster.MasterIp} removed before it returns");
            return;
        }
        try
        {
            var pid = await rpc.CallAsync(old, NodeProcedures.NodeStopMaster, null, ct, Timeout + MasterRoleGrace).ConfigureAwait(false);
            Log(pid is null ? $"No master daemon was running on {old.Name}" : $"Stopped the master daemon on {old.Name} (pid {pid})");
            if (HasMasterIp(cfg))
            {
                var removed = await rpc.CallAsync(old, NodeProcedures.NodeDeactivateMasterIp, new { master_ip = MasterIpOf(cfg) }, ct, Timeout)
                    .ConfigureAwait(false);
                Log(removed?.GetValue<bool>() == true
                    ? $"Removed the master IP {cfg.Cluster.MasterIp} from {old.Name}"
                    : $"{old.Name} did not hold the master IP {cfg.Cluster.MasterIp}");
            }
        }
        catch (Exception e) when (e is GanetiException or NodeUnreachableException or TimeoutException or IOException)
        {
            Log($"Warning: could not reach the old master {old.Name} to stop it ({e.Message}); " +
                $"make sure its master daemon is stopped and the master IP {cfg.Cluster.MasterIp} removed before it returns");
        }
    }

    private static readonly TimeSpan MasterRoleGrace = TimeSpan.FromSeconds(20);

    /// <summary>Whether the cluster has a master IP to move.</summary>
    public static bool HasMasterIp(ConfigData cfg) => cfg.Cluster.MasterIp.Length > 0 && cfg.Cluster.MasterNetdev.Length > 0;

    public static MasterIpSpec MasterIpOf(ConfigData cfg) =>
        new() { Ip = cfg.Cluster.MasterIp, Netmask = cfg.Cluster.MasterNetmask, Netdev = cfg.Cluster.MasterNetdev };
}
