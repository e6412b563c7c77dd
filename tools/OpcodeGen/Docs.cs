using System.Text.Json.Nodes;

namespace OpcodeGen;

/// <summary>
/// Our own one-line descriptions (docs.json next to this file): by OP_ID for opcodes, and
/// by parameter name or "OP_ID.name" for parameters, the latter winning.
/// </summary>
internal sealed class Docs(Dictionary<string, string> opcodes, Dictionary<string, string> parameters)
{
    public static Docs Load(string path)
    {
        if (!File.Exists(path))
            return new Docs([], []);
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        return new Docs(Read(root["opcodes"]), Read(root["params"]));

        static Dictionary<string, string> Read(JsonNode? node) =>
            node?.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!, StringComparer.Ordinal) ?? [];
    }

    public string ForOpcode(SpecOpcode op) =>
        opcodes.TryGetValue(op.OpId, out var doc) ? doc : $"The {op.OpId} operation.";

    public string ForParam(SpecOpcode op, SpecParam p) =>
        parameters.TryGetValue($"{op.OpId}.{p.Name}", out var doc) || parameters.TryGetValue(p.Name, out doc)
            ? doc
            : $"The {p.Name.Replace('_', ' ')}.";
}
