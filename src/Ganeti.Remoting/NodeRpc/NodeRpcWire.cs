using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;

namespace Ganeti.Remoting.NodeRpc;

/// <summary>
/// The node RPC frame format: one JSON object per line, UTF-8.
/// Request <c>{"id": 7, "procedure": "node_info", "args": {...}}</c>;
/// answer <c>{"id": 7, "ok": true, "result": ...}</c> or
/// <c>{"id": 7, "ok": false, "error": ["OpExecError", ["message", "ecode"]]}</c>;
/// <c>{"id": 7, "cancel": true}</c> asks the node to stop working on a call nobody waits for.
/// Lines make a stray write on the node's stdout a skipped frame, not a desynchronised stream.
/// </summary>
public static class NodeRpcWire
{
    /// <summary>The largest frame either side accepts unless configured otherwise (config uploads are large).</summary>
    public const int DefaultMaxFrameBytes = 256 * 1024 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // still escapes control characters, so no raw newline
        Indented = false,
        SkipValidation = true,
    };

    public static JsonObject Request(long id, string procedure, JsonNode? args) =>
        new() { ["id"] = id, ["procedure"] = procedure, ["args"] = args };

    /// <summary>
    /// A request frame, written without taking <paramref name="args"/> into a new parent: the
    /// same arguments go to many nodes at once (replication), and a JsonNode has one parent.
    /// </summary>
    public static byte[] EncodeRequest(long id, string procedure, JsonNode? args)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("id", id);
            w.WriteString("procedure", procedure);
            w.WritePropertyName("args");
            if (args is null) w.WriteNullValue();
            else args.WriteTo(w);
            w.WriteEndObject();
        }
        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }

    public static JsonObject Cancel(long id) => new() { ["id"] = id, ["cancel"] = true };

    public static JsonObject Success(long id, JsonNode? result) => new() { ["id"] = id, ["ok"] = true, ["result"] = result };

    public static JsonObject Failure(long id, GanetiException error) => new() { ["id"] = id, ["ok"] = false, ["error"] = error.ToWire() };

    /// <summary>One frame: the object's compact JSON and a newline.</summary>
    public static byte[] Encode(JsonObject frame)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
            frame.WriteTo(w);
        ms.WriteByte((byte)'\n');
        return ms.ToArray();
    }

    /// <summary>Parses a frame; null when it is not a JSON object with a numeric id.</summary>
    public static (long Id, JsonObject Frame)? Decode(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line);
        }
        catch (JsonException)
        {
            return null;
        }
        if (node is not JsonObject obj || obj["id"] is not JsonValue idValue) return null;
        if (idValue.TryGetValue<long>(out var id)) return (id, obj);
        if (idValue.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= long.MinValue and <= long.MaxValue) return ((long)d, obj);
        return null;
    }

    internal static string Preview(ReadOnlySpan<byte> line)
    {
        var text = System.Text.Encoding.UTF8.GetString(line.Length > 200 ? line[..200] : line);
        return line.Length > 200 ? text + "..." : text;
    }
}
