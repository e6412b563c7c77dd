using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ganeti.Core.Jobs;

/// <summary>One log line of an opcode: serialized as Ganeti's (serial, timestamp, type, message) tuple.</summary>
[JsonConverter(typeof(JobLogEntryConverter))]
public sealed record JobLogEntry(long Serial, Timestamp Time, string Type, string Message);

public sealed class JobLogEntryConverter : JsonConverter<JobLogEntry>
{
    public override JobLogEntry Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        var a = doc.RootElement;
        if (a.ValueKind != JsonValueKind.Array || a.GetArrayLength() != 4)
            throw new JsonException("log entry must be [serial, timestamp, type, message]");
        var ts = a[1].Deserialize<Timestamp>(options);
        var msg = a[3].ValueKind == JsonValueKind.String ? a[3].GetString()! : a[3].GetRawText();
        return new JobLogEntry(a[0].GetInt64(), ts, a[2].GetString() ?? LogType.Message, msg);
    }

    public override void Write(Utf8JsonWriter writer, JobLogEntry value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Serial);
        JsonSerializer.Serialize(writer, value.Time, options);
        writer.WriteStringValue(value.Type);
        writer.WriteStringValue(value.Message);
        writer.WriteEndArray();
    }
}
