using Ganeti.Core.Config;

namespace Ganeti.Master.Query;

/// <summary>Node group fields.</summary>
internal sealed class GroupQuery(QueryEngine engine) : IResourceQuery
{
    public Task<IReadOnlyList<Func<string, QueryCell>>> RowsAsync(IReadOnlySet<string> fields, CancellationToken ct)
    {
        var cfg = engine.Config;
        IReadOnlyList<Func<string, QueryCell>> rows = cfg.Nodegroups.Values.OrderBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => (Func<string, QueryCell>)(f => Field(cfg, g, f))).ToList();
        return Task.FromResult(rows);
    }

    private static QueryCell Field(ConfigData cfg, NodeGroup g, string f)
    {
        var members = cfg.Nodes.Values.Where(n => n.Group == g.Uuid).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        switch (f)
        {
            case "name": return Cells.V(g.Name);
            case "uuid": return Cells.V(g.Uuid);
            case "alloc_policy": return Cells.V(g.AllocPolicy);
            case "serial_no": return Cells.V(g.SerialNo);
            case "ctime": return Cells.V(g.Ctime);
            case "mtime": return Cells.V(g.Mtime);
            case "tags": return Cells.V(g.Tags);
            case "node_cnt": return Cells.V(members.Count);
            case "node_list": return Cells.List(members.Select(n => n.Name));
            case "pinst_cnt":
            case "pinst_list":
            {
                var uuids = members.Select(n => n.Uuid).ToHashSet();
                var names = cfg.Instances.Values.Where(i => uuids.Contains(i.PrimaryNode)).Select(i => i.Name).Order(StringComparer.Ordinal).ToList();
                return f == "pinst_cnt" ? Cells.V(names.Count) : Cells.List(names);
            }
            case "ipolicy": return Cells.V(Params.Fill(cfg.Cluster.Ipolicy, g.Ipolicy));
            case "custom_ipolicy": return Cells.V(g.Ipolicy);
            case "ndparams": return Cells.V(Params.Fill(cfg.Cluster.Ndparams, g.Ndparams));
            case "custom_ndparams": return Cells.V(g.Ndparams);
            case "diskparams":
            {
                var merged = new Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>>();
                foreach (var (t, p) in cfg.Cluster.Diskparams) merged[t] = Params.Fill(p, g.Diskparams.GetValueOrDefault(t));
                foreach (var (t, p) in g.Diskparams) merged.TryAdd(t, new(p));
                return Cells.V(merged);
            }
            case "custom_diskparams": return Cells.V(g.Diskparams);
        }
        if (Cells.TryParam(f, "ndp", out var key))
            return Params.Fill(cfg.Cluster.Ndparams, g.Ndparams).TryGetValue(key, out var v) ? Cells.V(v) : QueryCell.Unavailable;
        return QueryCell.Unknown;
    }
}
