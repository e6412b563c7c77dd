using System.Text.Json.Nodes;

namespace Ganeti.Core.Jobs;

/// <summary>Ganeti's one-line description of an opcode: the OP_ID without its prefix plus its main argument.</summary>
public static class OpSummary
{
    private static readonly string[] SummaryKeys =
        ["instance_name", "node_name", "group_name", "network_name", "cluster_name", "name", "duration"];

    public static string Of(JsonObject input)
    {
        var opId = input["OP_ID"]?.GetValue<string>() ?? "OP_UNKNOWN";
        var shortId = opId.StartsWith("OP_", StringComparison.Ordinal) ? opId[3..] : opId;
        foreach (var key in SummaryKeys)
        {
            if (input[key] is JsonValue v)
            {
                var text = v.ToString();
                if (text.Length > 0) return $"{shortId}({Truncate(text)})";
            }
        }
        return shortId;
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
