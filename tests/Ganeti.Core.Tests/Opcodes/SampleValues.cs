using System.Text.Json.Nodes;

namespace Ganeti.Core.Tests.Opcodes;

/// <summary>A valid value for each kind of required parameter in the spec.</summary>
internal static class SampleValues
{
    public static JsonNode For(string ganetiType) => ganetiType switch
    {
        "String" or "NonEmptyString" => "name1",
        "NonEmptyString or List" => "node1",
        "List of NonEmptyString" or "List of String" => new JsonArray("a", "b"),
        "EqualOrGreaterThanZero" => 1024,
        "EqualOrGreaterThanZero and (Less than 16)" => 0,
        "Float" => 1.5,
        "String and (IPv4 network)" => "192.0.2.0/24",
        "Dictionary with keys of Anything and values of Anything" => new JsonObject { ["k"] = "v" },
        _ when ganetiType.StartsWith("OneOf ", StringComparison.Ordinal) => ganetiType["OneOf ".Length..].Split(", ")[0],
        _ when ganetiType.StartsWith("<function TStorageType", StringComparison.Ordinal) => "lvm-vg",
        _ when ganetiType.StartsWith("List of (Dictionary with keys of", StringComparison.Ordinal) =>
            new JsonArray(new JsonObject()),
        _ => throw new InvalidOperationException($"no sample value for the required type '{ganetiType}'; add one"),
    };

    /// <summary>The smallest valid body: OP_ID and the required parameters.</summary>
    public static JsonObject MinimalBody(JsonObject specOpcode)
    {
        var body = new JsonObject { ["OP_ID"] = (string)specOpcode["OP_ID"]! };
        foreach (var p in specOpcode["params"]!.AsArray())
            if (IsRequired(p!.AsObject()))
                body[(string)p["name"]!] = For((string)p["type"]!);
        return body;
    }

    public static bool IsRequired(JsonObject specParam)
    {
        var type = (string)specParam["type"]!;
        return specParam["default"] is null && !type.StartsWith("None or ", StringComparison.Ordinal) && type != "Anything";
    }
}
