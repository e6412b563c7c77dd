using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core;
using Ganeti.Core.Config;
using Ganeti.Core.Json;
using Ganeti.Master.LogicalUnits.Instance;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.Query;

/// <summary>Network fields.</summary>
internal sealed class NetworkQuery(QueryEngine engine) : IResourceQuery
{
    public Task<IReadOnlyList<Func<string, QueryCell>>> RowsAsync(IReadOnlySet<string> fields, CancellationToken ct)
    {
        var cfg = engine.Config;
        IReadOnlyList<Func<string, QueryCell>> rows = cfg.Networks.Values.OrderBy(n => n.Name, StringComparer.Ordinal)
            .Select(n => (Func<string, QueryCell>)(f => Field(cfg, n, f))).ToList();
        return Task.FromResult(rows);
    }

    private static QueryCell Field(ConfigData cfg, Network n, string f)
    {
        var groups = cfg.Nodegroups.Values.Where(g => g.Networks.ContainsKey(n.Uuid)).OrderBy(g => g.Name, StringComparer.Ordinal).ToList();
        var insts = cfg.Instances.Values.Where(i => i.Nics.Any(x => x.Network == n.Uuid)).Select(i => i.Name).Order(StringComparer.Ordinal).ToList();
        return f switch
        {
            "name" => Cells.V(n.Name),
            "uuid" => Cells.V(n.Uuid),
            "tags" => Cells.V(n.Tags),
            "network" => Cells.V(n.Network4),
            "gateway" => Cells.V(n.Gateway),
            "network6" => Cells.V(n.Network6),
            "gateway6" => Cells.V(n.Gateway6),
            "mac_prefix" => Cells.V(n.MacPrefix),
            "serial_no" => Cells.V(n.SerialNo),
            "ctime" => Cells.V(n.Ctime),
            "mtime" => Cells.V(n.Mtime),
            "group_cnt" => Cells.V(groups.Count),
            "group_list" => QueryCell.Of(new JsonArray(groups.Select(g => (JsonNode?)new JsonArray(g.Name,
                Params.GetString(g.Networks[n.Uuid], "mode"), Params.GetString(g.Networks[n.Uuid], "link"),
                Params.GetString(g.Networks[n.Uuid], "vlan") ?? "")).ToArray())),
            "inst_cnt" => Cells.V(insts.Count),
            "inst_list" => Cells.List(insts),
            "free_count" => Cells.V(n.Reservations.Count(c => c == '0')),
            "reserved_count" => Cells.V(n.Reservations.Count(c => c == '1')),
            "map" => Cells.V(n.Reservations.Replace('0', '.').Replace('1', 'X')),
            "external_reservations" => Cells.V(n.ExtReservations),
            _ => QueryCell.Unknown,
        };
    }
}

/// <summary>The cluster as one row.</summary>
internal sealed class ClusterQuery(QueryEngine engine) : IResourceQuery
{
    public Task<IReadOnlyList<Func<string, QueryCell>>> RowsAsync(IReadOnlySet<string> fields, CancellationToken ct)
    {
        var cfg = engine.Config;
        var c = cfg.Cluster;
        Func<string, QueryCell> row = f => f switch
        {
            "name" or "cluster_name" => Cells.V(c.ClusterName),
            "tags" => Cells.V(c.Tags),
            "architecture" => Cells.V(new[] { System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(), Environment.Is64BitOperatingSystem ? "64bit" : "32bit" }),
            "drain_flag" => Cells.V(engine.Queue.Drained),
            "watcher_pause" => Cells.V((double?)Watcher.InstanceWatcher.PausedUntil(engine.Queue.Paths)?.ToUnixTimeSeconds()),
            "master_node" => Cells.V(cfg.Nodes.GetValueOrDefault(c.MasterNode)?.Name),
            "volume_group_name" => Cells.V(c.VolumeGroupName),
            "software_version" => Cells.V(ProjectInfo.GanetiCompatVersion),
            "protocol_version" => Cells.V(ProjectInfo.RapiVersion),
            "config_version" => Cells.V(cfg.Version),
            "os_api_version" => Cells.V(20),
            "export_version" => Cells.V(0),
            "vcs_version" => Cells.V($"GanetiCluster {ProjectInfo.Version}"),
            "ctime" => Cells.V(c.Ctime),
            "mtime" => Cells.V(c.Mtime),
            _ => QueryCell.Unknown,
        };
        return Task.FromResult<IReadOnlyList<Func<string, QueryCell>>>([row]);
    }
}

/// <summary>Locks currently held, with their owners (jobs).</summary>
internal sealed class LockQuery(QueryEngine engine) : IResourceQuery
{
    public Task<IReadOnlyList<Func<string, QueryCell>>> RowsAsync(IReadOnlySet<string> fields, CancellationToken ct)
    {
        IReadOnlyList<Func<string, QueryCell>> rows = engine.Locks.Snapshot().Select(l => (Func<string, QueryCell>)(f => f switch
        {
            "name" => Cells.V(l.Name),
            "mode" => Cells.V(l.Mode),
            "owner" => Cells.List(l.Owners.Select(o => o is Jobs.JobEntry e ? $"job/{e.Job.Id}" : o.ToString())),
            "pending" => Cells.V(new JsonArray()),
            _ => QueryCell.Unknown,
        })).ToList();
        return Task.FromResult(rows);
    }
}

/// <summary>
/// Operating systems across all online vm-capable nodes, as Ganeti's os query: node_status maps
/// every node that answered to the directories it found for the OS (the first is the one in use,
/// an empty list where the OS is missing); an OS is valid only when it is valid on every one of
/// them, and its variants, API versions and parameters are those all nodes share. The extension
/// field differences says in words how the nodes disagree, script checksums included.
/// </summary>
internal sealed class OsQuery(QueryEngine engine) : IResourceQuery
{
    public async Task<IReadOnlyList<Func<string, QueryCell>>> RowsAsync(IReadOnlySet<string> fields, CancellationToken ct)
    {
        var cfg = engine.Config;
        var nodes = cfg.Nodes.Values.Where(n => !n.Offline && n.VmCapable).ToList();
        var answers = await engine.Rpc.CallManyAsync(nodes, NodeProcedures.OsDiagnose, new { }, ct).ConfigureAwait(false);
        // Nodes whose RPC failed do not make every OS invalid; they are left out, as in Ganeti.
        var good = answers.Where(a => a.Value.Ok).Select(a => cfg.Nodes[a.Key].Name).Order(StringComparer.Ordinal).ToList();
        var perOs = new SortedDictionary<string, SortedDictionary<string, List<OsInfo>>>(StringComparer.Ordinal);
        foreach (var (uuid, a) in answers)
        {
            if (!a.Ok) continue;
            foreach (var os in a.Payload.Deserialize<List<OsInfo>>(GanetiJson.Options) ?? [])
            {
                if (!perOs.TryGetValue(os.Name, out var byNode))
                {
                    byNode = new SortedDictionary<string, List<OsInfo>>(StringComparer.Ordinal);
                    foreach (var n in good) byNode[n] = [];
                    perOs[os.Name] = byNode;
                }
                byNode[cfg.Nodes[uuid].Name].Add(os);
            }
        }
        return perOs.Select(kv => (Func<string, QueryCell>)(f => Field(cfg, kv.Key, kv.Value, f))).ToList();
    }

    private static QueryCell Field(ConfigData cfg, string name, SortedDictionary<string, List<OsInfo>> byNode, string f)
    {
        var inUse = byNode.Values.Select(l => l.FirstOrDefault()).ToList();
        var valid = inUse.All(i => i is { Status: true });
        List<T> Common<T>(Func<OsInfo, IEnumerable<T>> pick) =>
            inUse.Select(i => pick(i!)).Aggregate((a, b) => a.Intersect(b)).ToList();
        return f switch
        {
            "name" => Cells.V(name),
            "valid" => Cells.V(valid),
            "hidden" => Cells.V(cfg.Cluster.HiddenOs.Contains(name)),
            "blacklisted" => Cells.V(cfg.Cluster.BlacklistedOs.Contains(name)),
            "variants" => Cells.V(valid ? Common(i => i.Variants) : []),
            "api_versions" => Cells.V(valid ? Common(i => i.ApiVersions) : []),
            "parameters" => Cells.V(valid
                ? Common(i => i.Parameters.Select(p => (Name: p[0], Doc: p.Count > 1 ? p[1] : ""))).Select(p => new[] { p.Name, p.Doc }).ToList()
                : []),
            "node_status" => QueryCell.Of(new JsonObject(byNode.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(
                kv.Value.Select(i => (JsonNode?)new JsonArray(i.Path, i.Status, i.Diagnose, GanetiJson.ToNode(i.Variants),
                    GanetiJson.ToNode(i.Parameters), GanetiJson.ToNode(i.ApiVersions), i.Trusted)).ToArray()))))),
            "differences" => Cells.V(OsDifferences.Describe(byNode)),
            "os_hvp" => Cells.V(cfg.Cluster.OsHvp.GetValueOrDefault(name) ?? []),
            "osparams" => Cells.V(cfg.Cluster.Osparams.GetValueOrDefault(name) ?? []),
            "trusted" => Cells.V(valid && inUse.All(i => i!.Trusted)),
            _ => QueryCell.Unknown,
        };
    }
}
