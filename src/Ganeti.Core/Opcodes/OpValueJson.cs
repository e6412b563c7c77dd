using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Ganeti.Core.Opcodes.Types;

namespace Ganeti.Core.Opcodes;

/// <summary>
/// Converts parameter values between their typed properties and JSON. Values are checked
/// against the Ganeti type before they get here, so conversion only has to be faithful.
/// </summary>
internal static class OpValueJson
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    public static T Read<T>(JsonElement value) => JsonSerializer.Deserialize<T>(value, Options)!;

    public static JsonNode? Write<T>(T value) => JsonSerializer.SerializeToNode(value, Options);

    public static JsonElement ToElement(JsonNode? node) =>
        node is null ? NullElement : JsonSerializer.SerializeToElement(node, Options);

    public static JsonElement Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    public static readonly JsonElement NullElement = Parse("null");

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions { Converters = { new Int32Converter(), new Int64Converter() } };
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    // Clients written in languages without an integer type send 10.0 for 10.
    private sealed class Int32Converter : JsonConverter<int>
    {
        public override int Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            checked((int)Int64Converter.ReadIntegral(ref reader));

        public override void Write(Utf8JsonWriter writer, int value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value);
    }

    private sealed class Int64Converter : JsonConverter<long>
    {
        public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ReadIntegral(ref reader);

        public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value);

        internal static long ReadIntegral(ref Utf8JsonReader reader)
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            if (!TypeChecks.TryGetInteger(doc.RootElement, out var n))
                throw new JsonException($"integer expected, got {doc.RootElement.GetRawText()}");
            return n;
        }
    }
}
