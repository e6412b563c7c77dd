using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using static Ganeti.Remoting.Rapi.JsonFields;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>
/// A job as RAPI reports it: J_FIELDS from <c>GET /2/jobs/N</c> (with log and results) or
/// J_FIELDS_BULK from <c>GET /2/jobs?bulk=1</c> (without them).
/// </summary>
public sealed class GntJob
{
    public long Id { get; init; }
    /// <summary>queued, waiting, running, canceling, canceled, success or error.</summary>
    public string Status { get; init; } = "queued";
    /// <summary>One "OP_ID(main argument)" string per opcode, e.g. INSTANCE_STARTUP(web1).</summary>
    public string[] Summary { get; init; } = [];
    public string[] OpStatus { get; init; } = [];
    /// <summary>The opcodes as submitted (OP_ID and parameters).</summary>
    public object?[] Ops { get; init; } = [];
    /// <summary>Per-opcode results; null when the listing did not include them.</summary>
    public object?[]? OpResult { get; init; }
    /// <summary>The job's log across all opcodes; empty when the listing did not include it.</summary>
    public GntJobLogEntry[] Log { get; init; } = [];
    public DateTime? ReceivedTime { get; init; }
    public DateTime? StartTime { get; init; }
    public DateTime? EndTime { get; init; }
    /// <summary>Set when the job ended in error or was canceled and the results say why.</summary>
    public GntJobFailure? Failure { get; init; }

    /// <summary>The RAPI results as received, kept to map per-opcode results.</summary>
    internal JsonArray? RawOpResult { get; init; }

    /// <summary>The result of opcode <paramref name="index"/> as JSON, for typed readers of opcode results.</summary>
    public JsonNode? OpResultJson(int index) =>
        RawOpResult is not null && index >= 0 && index < RawOpResult.Count ? RawOpResult[index]?.DeepClone() : null;

    public bool IsFinished => Status is "success" or "error" or "canceled";
    public TimeSpan? Duration => StartTime is { } s && EndTime is { } e ? e - s : null;

    /// <summary>Alias used by pipelines: <c>... -NoWait | Wait-GntJob</c> binds JobId.</summary>
    public long JobId => Id;

    public static GntJob FromFields(JsonObject o)
    {
        var id = Long(o, "id") ?? 0;
        var opstatus = StrList(o, "opstatus");
        var ops = o["ops"] as JsonArray;
        var results = o["opresult"] as JsonArray;
        var log = new List<GntJobLogEntry>();
        if (o["oplog"] is JsonArray oplog)
        {
            for (var i = 0; i < oplog.Count; i++)
            {
                if (oplog[i] is not JsonArray lines) continue;
                foreach (var line in lines)
                    if (GntJobLogEntry.FromWire(id, line, i) is { } e)
                        log.Add(e);
            }
        }
        var status = Str(o, "status") ?? "queued";
        return new GntJob
        {
            Id = id,
            Status = status,
            Summary = StrList(o, "summary"),
            OpStatus = opstatus,
            Ops = ops?.Select(ToPlain).ToArray() ?? [],
            OpResult = results?.Select(ToPlain).ToArray(),
            RawOpResult = results,
            Log = log.OrderBy(e => e.Serial).ToArray(),
            ReceivedTime = Time(o, "received_ts"),
            StartTime = Time(o, "start_ts"),
            EndTime = Time(o, "end_ts"),
            Failure = status is "error" or "canceled" ? FailureOf(status, opstatus, ops, results) : null,
        };
    }

    /// <summary>The first opcode that did not succeed, decoded from Ganeti's [class, [message, ecode]] form.</summary>
    public static GntJobFailure FailureOf(string jobStatus, string[] opstatus, JsonArray? ops, JsonArray? results)
    {
        var index = Array.FindIndex(opstatus, s => s is "error" or "canceled");
        if (index < 0)
            index = Math.Max(0, opstatus.Length - 1);
        var opId = ops is not null && index < ops.Count && ops[index] is JsonObject op ? Str(op, "OP_ID") : null;
        var status = index < opstatus.Length ? opstatus[index] : jobStatus;
        var raw = results is not null && index < results.Count ? results[index] : null;
        if (GanetiException.FromWire(raw) is { } gex)
        {
            return new GntJobFailure
            {
                OpIndex = index, OpId = opId, Status = status, ErrorClass = gex.ErrorClass, Message = gex.Message, Ecode = gex.Ecode,
            };
        }
        var message = status == "canceled" || jobStatus == "canceled"
            ? "The job was canceled."
            : Str(raw) is { Length: > 0 } text ? text : "The job failed without an error message.";
        return new GntJobFailure
        {
            OpIndex = index, OpId = opId, Status = status, ErrorClass = status == "canceled" ? "CancelJob" : null, Message = message,
        };
    }

    /// <summary>The per-opcode results of a finished job.</summary>
    public IEnumerable<GntJobResult> Results()
    {
        var n = Math.Max(OpStatus.Length, OpResult?.Length ?? 0);
        for (var i = 0; i < n; i++)
        {
            yield return new GntJobResult
            {
                JobId = Id,
                Index = i,
                OpId = i < Ops.Length && Ops[i] is ParamDictionary d ? d["OP_ID"] as string : null,
                Status = i < OpStatus.Length ? OpStatus[i] : null,
                Result = OpResult is not null && i < OpResult.Length ? OpResult[i] : null,
            };
        }
    }

    public override string ToString() => $"{Id} {Status}";
}
