using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Master.Jobs;
using Ganeti.Master.Locking;
using Ganeti.Master.Rpc;

namespace Ganeti.Master.Query;

/// <summary>
/// Ganeti's query2 over the configuration, the job queue, the lock manager and, for fields that
/// need it, live data from the nodes (asked once per query, in parallel). Unknown fields come
/// back with kind "unknown" and every cell RS_UNKNOWN, as in Ganeti.
/// </summary>
public sealed class QueryEngine(Func<ConfigData> config, JobQueue queue, NodeRpcClient rpc, LockManager locks)
{
    public static readonly IReadOnlyList<string> Resources =
        ["instance", "node", "group", "job", "network", "os", "lock", "export", "cluster"];

    internal ConfigData Config => config();
    internal JobQueue Queue => queue;
    internal NodeRpcClient Rpc => rpc;
    internal LockManager Locks => locks;

    public IReadOnlyList<QueryFieldDefinition> Fields(string resource, IReadOnlyList<string> names)
    {
        var catalog = Catalog(resource);
        if (names.Count == 0) return catalog.Values.ToList();
        return names.Select(n => catalog.TryGetValue(n, out var f) ? f : Unknown(n)).ToList();
    }

    private static QueryFieldDefinition Unknown(string name) => new(name, name, "unknown", $"Unknown field '{name}'");

    private static Dictionary<string, QueryFieldDefinition> Catalog(string resource)
    {
        if (!Resources.Contains(resource))
            throw GanetiException.WrongInput($"Unknown query resource '{resource}' (one of: {string.Join(", ", Resources)})");
        return FieldCatalog.For(resource).ToDictionary(f => f.Name, StringComparer.Ordinal);
    }

    public async Task<QueryResult> QueryAsync(string resource, IReadOnlyList<string> fields, JsonNode? filter, CancellationToken ct)
    {
        var defs = Fields(resource, fields);
        var parsedFilter = QueryFilter.Parse(filter);
        var catalog = Catalog(resource);
        if (parsedFilter is not null)
            foreach (var f in parsedFilter.Fields.Where(f => !catalog.ContainsKey(f)))
                throw GanetiException.WrongInput($"Unknown field '{f}' in query filter");
        var wanted = fields.Concat(parsedFilter?.Fields ?? (IEnumerable<string>)[]).ToHashSet(StringComparer.Ordinal);
        IResourceQuery source = resource switch
        {
            "instance" => new InstanceQuery(this),
            "node" => new NodeQuery(this),
            "group" => new GroupQuery(this),
            "job" => new JobQuery(this),
            "network" => new NetworkQuery(this),
            "cluster" => new ClusterQuery(this),
            "lock" => new LockQuery(this),
            "os" => new OsQuery(this),
            _ => new EmptyQuery(),
        };
        var rows = await source.RowsAsync(wanted, ct).ConfigureAwait(false);
        var data = new List<IReadOnlyList<QueryCell>>();
        foreach (var row in rows)
        {
            if (parsedFilter is not null)
            {
                var cache = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                var matches = parsedFilter.Matches(name =>
                {
                    if (!cache.TryGetValue(name, out var v))
                    {
                        var cell = row(name);
                        cache[name] = v = cell.Status == ResultStatus.Normal ? cell.Value : null;
                    }
                    return v;
                });
                if (!matches) continue;
            }
            data.Add(defs.Select(d => d.Kind == "unknown" ? QueryCell.Unknown : row(d.Name)).ToList());
        }
        return new QueryResult(defs, data);
    }
}

/// <summary>One resource's rows: each row answers a field name with a cell.</summary>
internal interface IResourceQuery
{
    Task<IReadOnlyList<Func<string, QueryCell>>> RowsAsync(IReadOnlySet<string> fields, CancellationToken ct);
}

internal sealed class EmptyQuery : IResourceQuery
{
    public Task<IReadOnlyList<Func<string, QueryCell>>> RowsAsync(IReadOnlySet<string> fields, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Func<string, QueryCell>>>([]);
}
