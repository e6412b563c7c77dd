using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Json;
using Ganeti.Master.LogicalUnits.Instance;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.Master.Query;

/// <summary>Node fields: configuration, instance counts and, when asked, memory/CPU/disk facts from the node.</summary>
internal sealed class NodeQuery(QueryEngine engine) : IResourceQuery
{
    private static readonly HashSet<string> LiveFields =
        ["bootid", "cnodes", "cnos", "csockets", "ctotal", "dfree", "dtotal", "spfree", "sptotal", "mfree", "mnode", "mtotal"];

    public async Task<IReadOnlyList<Func<string, QueryCell>>> RowsAsync(IReadOnlySet<string> fields, CancellationToken ct)
    {
        var cfg = engine.Config;
        var nodes = cfg.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var live = new Dictionary<string, (int Status, NodeInfoResult? Info)>(StringComparer.Ordinal);
        if (fields.Any(LiveFields.Contains))
        {
            var answers = await engine.Rpc.CallManyAsync(nodes, NodeProcedures.NodeInfo,
                new { hypervisors = cfg.Cluster.EnabledHypervisors }, ct).ConfigureAwait(false);
            foreach (var (uuid, a) in answers)
                live[uuid] = a.Offline ? (ResultStatus.Offline, null)
                    : !a.Ok ? (ResultStatus.NoData, null)
                    : (ResultStatus.Normal, a.Payload.Deserialize<NodeInfoResult>(GanetiJson.Options));
        }
        var primaries = cfg.Instances.Values.GroupBy(i => i.PrimaryNode).ToDictionary(g => g.Key, g => g.Select(i => i.Name).Order(StringComparer.Ordinal).ToList());
        var secondaries = new Dictionary<string, List<string>>();
        foreach (var i in cfg.Instances.Values)
            foreach (var s in cfg.SecondaryNodes(i))
                (secondaries.TryGetValue(s, out var l) ? l : secondaries[s] = []).Add(i.Name);
        return nodes.Select(n => (Func<string, QueryCell>)(f => Field(cfg, n, f,
            primaries.GetValueOrDefault(n.Uuid) ?? [], secondaries.GetValueOrDefault(n.Uuid) ?? [], live))).ToList();
    }

    private static QueryCell Field(ConfigData cfg, Node n, string f, List<string> pinst, List<string> sinst,
        Dictionary<string, (int Status, NodeInfoResult? Info)> live)
    {
        switch (f)
        {
            case "name": return Cells.V(n.Name);
            case "uuid": return Cells.V(n.Uuid);
            case "pip": return Cells.V(n.PrimaryIp);
            case "sip": return Cells.V(string.IsNullOrEmpty(n.SecondaryIp) ? n.PrimaryIp : n.SecondaryIp);
            case "tags": return Cells.V(n.Tags);
            case "master": return Cells.V(n.Uuid == cfg.Cluster.MasterNode);
            case "group": return Cells.V(cfg.Nodegroups.GetValueOrDefault(n.Group)?.Name);
            case "group.uuid": return Cells.V(n.Group);
            case "powered": return Cells.V(n.Powered);
            case "ndparams": return Cells.V(FilledNd(cfg, n));
            case "custom_ndparams": return Cells.V(n.Ndparams);
            case "hv_state" or "disk_state": return Cells.V(new JsonObject());
            case "role": return Cells.V(n.Role(cfg.Cluster.MasterNode));
            case "pinst_cnt": return Cells.V(pinst.Count);
            case "pinst_list": return Cells.List(pinst);
            case "sinst_cnt": return Cells.V(sinst.Count);
            case "sinst_list": return Cells.List(sinst);
            case "drained": return Cells.V(n.Drained);
            case "master_candidate": return Cells.V(n.MasterCandidate);
            case "master_capable": return Cells.V(n.MasterCapable);
            case "offline": return Cells.V(n.Offline);
            case "vm_capable": return Cells.V(n.VmCapable);
            case "serial_no": return Cells.V(n.SerialNo);
            case "ctime": return Cells.V(n.Ctime);
            case "mtime": return Cells.V(n.Mtime);
        }
        if (Cells.TryParam(f, "ndp", out var key))
            return FilledNd(cfg, n).TryGetValue(key, out var v) ? Cells.V(v) : QueryCell.Unavailable;
        if (!live.TryGetValue(n.Uuid, out var l))
            return QueryCell.Unknown;
        if (l.Status != ResultStatus.Normal || l.Info is null)
            return new QueryCell(l.Status == ResultStatus.Normal ? ResultStatus.NoData : l.Status, null);
        var hv = l.Info.Hypervisors.Values.FirstOrDefault();
        return f switch
        {
            "bootid" => Cells.V(l.Info.BootId),
            "mtotal" => hv is null ? QueryCell.Unavailable : Cells.V(hv.MemoryTotal),
            "mfree" => hv is null ? QueryCell.Unavailable : Cells.V(hv.MemoryFree),
            "mnode" => hv is null ? QueryCell.Unavailable : Cells.V(hv.MemoryDom0),
            "ctotal" => hv is null ? QueryCell.Unavailable : Cells.V(hv.CpuTotal),
            "cnodes" => hv is null ? QueryCell.Unavailable : Cells.V(hv.CpuNodes),
            "csockets" => hv is null ? QueryCell.Unavailable : Cells.V(hv.CpuSockets),
            "cnos" => hv is null ? QueryCell.Unavailable : Cells.V(hv.CpuDom0),
            "dtotal" => l.Info.StorageTotal is { } dt ? Cells.V(dt) : QueryCell.Unavailable,
            "dfree" => l.Info.StorageFree is { } df ? Cells.V(df) : QueryCell.Unavailable,
            "sptotal" or "spfree" => Cells.V(0),
            _ => QueryCell.Unknown,
        };
    }

    private static Dictionary<string, System.Text.Json.JsonElement> FilledNd(ConfigData cfg, Node n) =>
        Params.Fill(cfg.Cluster.Ndparams, cfg.Nodegroups.GetValueOrDefault(n.Group)?.Ndparams, n.Ndparams);
}
