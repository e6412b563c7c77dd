using System.Text.Json.Nodes;
using Ganeti.Core.Jobs;
using Ganeti.Core.Json;

namespace Ganeti.Master.Query;

/// <summary>Job fields, from the live queue (archived jobs are not listed, as in Ganeti's default).</summary>
internal sealed class JobQuery(QueryEngine engine) : IResourceQuery
{
    public Task<IReadOnlyList<Func<string, QueryCell>>> RowsAsync(IReadOnlySet<string> fields, CancellationToken ct)
    {
        IReadOnlyList<Func<string, QueryCell>> rows = engine.Queue.Ids()
            .Select(id => engine.Queue.ReadJob(id))
            .Where(j => j is not null)
            .Select(j => (Func<string, QueryCell>)(f => Field(j!, f, archived: false)))
            .ToList();
        return Task.FromResult(rows);
    }

    /// <summary>One job field in Ganeti's form; shared with the RAPI job resources.</summary>
    public static QueryCell Field(Job job, string f, bool archived)
    {
        static JsonNode? Ts(Timestamp? t) => t is null ? null : GanetiJson.ToNode(t.Value);
        return f switch
        {
            "id" => Cells.V(job.Id),
            "status" => Cells.V(job.CalcStatus()),
            "priority" => Cells.V(job.CalcPriority()),
            "archived" => Cells.V(archived),
            "ops" => QueryCell.Of(new JsonArray(job.Ops.Select(o => (JsonNode?)o.Input.DeepClone()).ToArray())),
            "opresult" => QueryCell.Of(new JsonArray(job.Ops.Select(o => o.Result?.DeepClone()).ToArray())),
            "opstatus" => Cells.List(job.Ops.Select(o => o.Status)),
            "oplog" => QueryCell.Of(new JsonArray(job.Ops.Select(o => GanetiJson.ToNode(o.Log)).ToArray())),
            "opstart" => QueryCell.Of(new JsonArray(job.Ops.Select(o => Ts(o.StartTimestamp)).ToArray())),
            "opexec" => QueryCell.Of(new JsonArray(job.Ops.Select(o => Ts(o.ExecTimestamp)).ToArray())),
            "opend" => QueryCell.Of(new JsonArray(job.Ops.Select(o => Ts(o.EndTimestamp)).ToArray())),
            "oppriority" => QueryCell.Of(new JsonArray(job.Ops.Select(o => (JsonNode?)o.Priority).ToArray())),
            "summary" => Cells.List(job.Summary()),
            "received_ts" => QueryCell.Of(Ts(job.ReceivedTimestamp)),
            "start_ts" => QueryCell.Of(Ts(job.StartTimestamp)),
            "end_ts" => QueryCell.Of(Ts(job.EndTimestamp)),
            _ => QueryCell.Unknown,
        };
    }
}
