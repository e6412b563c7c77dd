using System.Text.Json.Nodes;
using static Ganeti.Remoting.Rapi.JsonFields;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>One line of a job's log: Ganeti's (serial, timestamp, type, message) tuple.</summary>
public sealed class GntJobLogEntry
{
    public long JobId { get; init; }
    /// <summary>Position of the opcode in the job that wrote the line, when known.</summary>
    public int? OpIndex { get; init; }
    public long Serial { get; init; }
    public DateTime? Time { get; init; }
    public string Type { get; init; } = "message";
    public string Message { get; init; } = "";

    /// <summary>Reads <c>[serial, [sec, usec], type, message]</c>; returns null for anything else.</summary>
    public static GntJobLogEntry? FromWire(long jobId, JsonNode? n, int? opIndex = null)
    {
        if (n is not JsonArray { Count: >= 4 } a || Long(a[0]) is not { } serial)
            return null;
        return new GntJobLogEntry
        {
            JobId = jobId,
            OpIndex = opIndex,
            Serial = serial,
            Time = Time(a[1]),
            Type = Str(a[2]) ?? "message",
            Message = Str(a[3]) ?? "",
        };
    }

    public override string ToString() => $"{Time:yyyy-MM-dd HH:mm:ss} {Message}";
}
