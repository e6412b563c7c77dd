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

    /// <summary>What had no description; reported so docs.json can be completed.</summary>
    public SortedSet<string> Missing { get; } = new(StringComparer.Ordinal);

    public string ForOpcode(SpecOpcode op)
    {
        if (opcodes.TryGetValue(op.OpId, out var doc))
            return doc;
        Missing.Add(op.OpId);
        return $"The {op.OpId} operation.";
    }

    public string ForParam(SpecOpcode op, SpecParam p)
    {
        if (parameters.TryGetValue($"{op.OpId}.{p.Name}", out var doc) || parameters.TryGetValue(p.Name, out doc))
            return doc;
        Missing.Add($"{op.OpId}.{p.Name}");
        return $"The {p.Name.Replace('_', ' ')}.";
    }
}
