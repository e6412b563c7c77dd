using System.Text.Json.Nodes;
using static Ganeti.Remoting.Rapi.JsonFields;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>
/// A Query2 answer (<c>/2/query/RESOURCE?fields=...</c>): field definitions and rows of
/// (status, value) pairs. Status 0 is a normal value; 1 unknown field, 2 no data, 3 unavailable,
/// 4 offline node: those read as null.
/// </summary>
public sealed class GntQueryResult
{
    public IReadOnlyList<GntQueryField> Fields { get; init; } = [];
    public IReadOnlyList<JsonObject> Rows { get; init; } = [];

    public static GntQueryResult FromWire(JsonObject o)
    {
        var fields = (o["fields"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(f => new GntQueryField(Str(f, "name") ?? "", Str(f, "title"), Str(f, "kind"), Str(f, "doc")))
            .ToList();
        var rows = new List<JsonObject>();
        foreach (var row in o["data"] as JsonArray ?? [])
        {
            if (row is not JsonArray cells) continue;
            var obj = new JsonObject();
            for (var i = 0; i < cells.Count && i < fields.Count; i++)
            {
                var cell = cells[i] as JsonArray;
                var ok = cell is { Count: 2 } && Long(cell[0]) == 0;
                obj[fields[i].Name] = ok ? cell![1]?.DeepClone() : null;
            }
            rows.Add(obj);
        }
        return new GntQueryResult { Fields = fields, Rows = rows };
    }
}

/// <summary>One field of a Query2 answer.</summary>
public sealed record GntQueryField(string Name, string? Title, string? Kind, string? Doc);
