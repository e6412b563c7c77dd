using System.Text.Json.Nodes;
using Ganeti.Core.Json;

namespace Ganeti.Master.Query;

internal static class Cells
{
    public static QueryCell V<T>(T value) => QueryCell.Of(value is JsonNode n ? n : GanetiJson.ToNode(value));

    public static QueryCell List(IEnumerable<string?> values) =>
        QueryCell.Of(new JsonArray(values.Select(v => (JsonNode?)v).ToArray()));

    /// <summary>Splits "disk.size/3" into ("disk.size", 3).</summary>
    public static bool TryIndexed(string field, out string prefix, out int index)
    {
        var slash = field.LastIndexOf('/');
        if (slash > 0 && int.TryParse(field.AsSpan(slash + 1), out index))
        {
            prefix = field[..slash];
            return true;
        }
        prefix = field;
        index = -1;
        return false;
    }

    /// <summary>"hv/acpi" → ("hv", "acpi").</summary>
    public static bool TryParam(string field, string prefix, out string key)
    {
        if (field.StartsWith(prefix + "/", StringComparison.Ordinal))
        {
            key = field[(prefix.Length + 1)..];
            return true;
        }
        key = "";
        return false;
    }
}
