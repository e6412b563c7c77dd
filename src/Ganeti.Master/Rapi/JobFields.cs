using System.Text.Json.Nodes;
using Ganeti.Core.Jobs;
using Ganeti.Core.Json;

namespace Ganeti.Master.Rapi;

/// <summary>Ganeti's job query fields (id, ops, status, summary, opstatus, *_ts, oplog, opresult) from a job snapshot.</summary>
public static class JobFields
{
    public static JsonNode? Value(Job job, string field) => field switch
    {
        "id" => JsonValue.Create(job.Id),
        "ops" => new JsonArray(job.Ops.Select(o => (JsonNode?)o.Input.DeepClone()).ToArray()),
        "status" => JsonValue.Create(job.CalcStatus()),
        "summary" => RapiJson.StringArray(job.Summary()),
        "opstatus" => RapiJson.StringArray(job.Ops.Select(o => o.Status)),
        "opresult" => new JsonArray(job.Ops.Select(o => o.Result?.DeepClone()).ToArray()),
        "oplog" => new JsonArray(job.Ops.Select(o => (JsonNode?)GanetiJson.ToNode(o.Log)).ToArray()),
        "received_ts" => Ts(job.ReceivedTimestamp),
        "start_ts" => Ts(job.StartTimestamp),
        "end_ts" => Ts(job.EndTimestamp),
        "priority" => JsonValue.Create(job.CalcPriority()),
        "oppriority" => new JsonArray(job.Ops.Select(o => (JsonNode?)JsonValue.Create(o.Priority)).ToArray()),
        "opstart" => new JsonArray(job.Ops.Select(o => Ts(o.StartTimestamp)).ToArray()),
        "opexec" => new JsonArray(job.Ops.Select(o => Ts(o.ExecTimestamp)).ToArray()),
        "opend" => new JsonArray(job.Ops.Select(o => Ts(o.EndTimestamp)).ToArray()),
        _ => null,
    };

    public static JsonObject Map(Job job, IReadOnlyList<string> fields)
    {
        var o = new JsonObject();
        foreach (var f in fields)
            o[f] = Value(job, f);
        return o;
    }

    private static JsonNode? Ts(Timestamp? ts) => ts is { } t ? new JsonArray(t.Seconds, t.Microseconds) : null;
}
