using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ganeti.Core.Jobs;

/// <summary>Ganeti's timestamp: a (seconds, microseconds) pair, serialized as a two-element array.</summary>
[JsonConverter(typeof(TimestampConverter))]
public readonly record struct Timestamp(long Seconds, long Microseconds)
{
    public static Timestamp Now()
    {
        var ticks = DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks;
        return new Timestamp(ticks / TimeSpan.TicksPerSecond, ticks % TimeSpan.TicksPerSecond / 10);
    }

    public double ToDouble() => Seconds + Microseconds / 1_000_000.0;

    public DateTimeOffset ToDateTimeOffset() =>
        DateTimeOffset.FromUnixTimeSeconds(Seconds).AddTicks(Microseconds * 10);
}

public sealed class TimestampConverter : JsonConverter<Timestamp>
{
    public override Timestamp Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            var d = reader.GetDouble();
            var s = (long)Math.Floor(d);
            return new Timestamp(s, (long)Math.Round((d - s) * 1_000_000));
        }
        if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("timestamp must be [sec, usec]");
        reader.Read();
        var sec = reader.GetInt64();
        reader.Read();
        var usec = reader.GetInt64();
        reader.Read();
        if (reader.TokenType != JsonTokenType.EndArray) throw new JsonException("timestamp must be [sec, usec]");
        return new Timestamp(sec, usec);
    }

    public override void Write(Utf8JsonWriter writer, Timestamp value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Seconds);
        writer.WriteNumberValue(value.Microseconds);
        writer.WriteEndArray();
    }
}
