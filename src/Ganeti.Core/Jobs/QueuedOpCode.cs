using System.Text.Json.Nodes;

namespace Ganeti.Core.Jobs;

/// <summary>One opcode of a job, as stored in the job file.</summary>
public sealed class QueuedOpCode
{
    /// <summary>The opcode in Ganeti's JSON form (with OP_ID).</summary>
    public JsonObject Input { get; set; } = new();
    public string Status { get; set; } = JobStatus.Queued;
    /// <summary>The result on success; the encoded error ([class, args]) on failure.</summary>
    public JsonNode? Result { get; set; }
    public List<JobLogEntry> Log { get; set; } = [];
    public int Priority { get; set; }
    public Timestamp? StartTimestamp { get; set; }
    public Timestamp? ExecTimestamp { get; set; }
    public Timestamp? EndTimestamp { get; set; }

    [System.Text.Json.Serialization.JsonIgnore]
    public string OpId => Input["OP_ID"]?.GetValue<string>() ?? "";
}
