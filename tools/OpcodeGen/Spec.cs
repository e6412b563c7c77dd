using System.Text.Json.Nodes;

namespace OpcodeGen;

/// <summary>One opcode as the spec file lists it.</summary>
internal sealed record SpecOpcode(string OpId, string ClassName, string Doc, string Result, IReadOnlyList<SpecParam> Params);

/// <summary>One parameter as the spec file lists it; Default is null for Ganeti's None.</summary>
internal sealed record SpecParam(string Name, JsonNode? Default, string Type, string Doc)
{
    /// <summary>The names OpCode itself carries; generated classes do not repeat them.</summary>
    public static readonly IReadOnlySet<string> Common =
        new HashSet<string> { "dry_run", "debug_level", "priority", "depends", "comment", "reason" };

    public bool AcceptsNone => Type.StartsWith("None or ", StringComparison.Ordinal) || Type == "Anything";

    // The spec's README says "<required>"; the file itself writes null. Either way, a
    // parameter with no default whose type rejects None must be given.
    public bool IsRequired =>
        (Default is null || Default.ToJsonString() == "\"<required>\"") && !AcceptsNone;

    public static IReadOnlyList<SpecOpcode> Load(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty");
        return root["opcodes"]!.AsArray().Select(o => new SpecOpcode(
            (string)o!["OP_ID"]!, (string)o["class"]!, (string?)o["doc"] ?? "", (string?)o["result"] ?? "",
            o["params"]!.AsArray().Select(p => new SpecParam(
                (string)p!["name"]!, p["default"]?.DeepClone(), (string)p["type"]!, (string?)p["doc"] ?? "")).ToList()))
            .ToList();
    }
}
