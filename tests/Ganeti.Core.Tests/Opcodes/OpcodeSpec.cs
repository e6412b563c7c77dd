using System.Text.Json.Nodes;

namespace Ganeti.Core.Tests.Opcodes;

/// <summary>Ganeti's opcode list (shared/spec/ganeti-opcodes.json beside the repository).</summary>
internal static class OpcodeSpec
{
    private static readonly Lazy<JsonObject> Root = new(Load);

    public static IEnumerable<JsonObject> Opcodes => Root.Value["opcodes"]!.AsArray().Select(o => o!.AsObject());

    public static JsonObject Opcode(string opId) => Opcodes.Single(o => (string)o["OP_ID"]! == opId);

    public static TheoryData<string> OpIds()
    {
        var data = new TheoryData<string>();
        foreach (var op in Opcodes)
            data.Add((string)op["OP_ID"]!);
        return data;
    }

    private static JsonObject Load()
    {
        var path = Find();
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "spec", "ganeti-opcodes.json");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException(
            "Ganeti's opcode spec was not found: expected shared/spec/ganeti-opcodes.json in a folder above " +
            AppContext.BaseDirectory + " (the shared/ folder sits beside the repository root).");
    }
}
