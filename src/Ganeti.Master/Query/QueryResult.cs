using System.Text.Json.Nodes;

namespace Ganeti.Master.Query;

/// <summary>A query field as Ganeti describes it: name, title, kind (text, number, bool, other, unit, timestamp) and doc.</summary>
public sealed record QueryFieldDefinition(string Name, string Title, string Kind, string Doc);

/// <summary>Result status of one cell, Ganeti's RS_* values.</summary>
public static class ResultStatus
{
    public const int Normal = 0;
    public const int Unknown = 1;
    public const int NoData = 2;
    public const int Unavailable = 3;
    public const int Offline = 4;
}

/// <summary>Ganeti's query2 result: field definitions plus rows of [status, value] cells.</summary>
public sealed record QueryResult(IReadOnlyList<QueryFieldDefinition> Fields, IReadOnlyList<IReadOnlyList<QueryCell>> Data)
{
    /// <summary>The wire form: {"fields": [{name,title,kind,doc}], "data": [[[status, value], ...], ...]}.</summary>
    public JsonObject ToWire()
    {
        var fields = new JsonArray();
        foreach (var f in Fields)
            fields.Add(new JsonObject { ["name"] = f.Name, ["title"] = f.Title, ["kind"] = f.Kind, ["doc"] = f.Doc });
        var data = new JsonArray();
        foreach (var row in Data)
        {
            var r = new JsonArray();
            foreach (var c in row)
                r.Add(new JsonArray(c.Status, c.Value?.DeepClone()));
            data.Add(r);
        }
        return new JsonObject { ["fields"] = fields, ["data"] = data };
    }
}

/// <summary>One cell of a query result.</summary>
public readonly record struct QueryCell(int Status, JsonNode? Value)
{
    public static QueryCell Of(JsonNode? value) => new(ResultStatus.Normal, value);
    public static QueryCell Unknown => new(ResultStatus.Unknown, null);
    public static QueryCell NoData => new(ResultStatus.NoData, null);
    public static QueryCell Unavailable => new(ResultStatus.Unavailable, null);
    public static QueryCell Offline => new(ResultStatus.Offline, null);
}
