using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ganeti.Master.Rapi;

/// <summary>JSON helpers for RAPI bodies and answers.</summary>
public static class RapiJson
{
    /// <summary>Answers: compact UTF-8, characters escaped only where JSON requires it.</summary>
    public static readonly JsonSerializerOptions Output = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    /// <summary>Error bodies echo client input, so they escape HTML-significant characters.</summary>
    public static readonly JsonSerializerOptions ErrorOutput = new()
    {
        Encoder = JavaScriptEncoder.Default,
        WriteIndented = false,
    };

    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocOptions = new() { MaxDepth = 64, AllowTrailingCommas = false };

    /// <summary>Parses a request body; any JSON value is allowed at the top.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8) => JsonNode.Parse(utf8, NodeOptions, DocOptions);

    /// <summary>Ganeti's EpochNano: nanoseconds since the Unix epoch.</summary>
    public static long EpochNano() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>The Python type name of a JSON value, for Ganeti-worded type errors.</summary>
    public static string PythonType(JsonNode? node) => node switch
    {
        null => "NoneType",
        JsonObject => "dict",
        JsonArray => "list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "str",
            JsonValueKind.True or JsonValueKind.False => "bool",
            JsonValueKind.Number => v.ToJsonString().IndexOfAny(['.', 'e', 'E']) >= 0 ? "float" : "int",
            _ => "NoneType",
        },
        _ => "object",
    };

    public static bool IsString(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    public static bool IsInteger(JsonNode? n) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out _);

    public static JsonArray StringArray(IEnumerable<string> items) => new(items.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());
}
