using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Master.Query;

namespace Ganeti.Master.Rapi;

/// <summary>Listings and single-object lookups built on the master's query2.</summary>
public static class RapiQueries
{
    /// <summary>Ganeti's simple name filter: ["|", ["=", field, name1], ...].</summary>
    public static JsonArray NameFilter(string field, IEnumerable<string> names)
    {
        var filter = new JsonArray("|");
        foreach (var n in names)
            filter.Add(new JsonArray("=", field, n));
        return filter;
    }

    /// <summary>Rows as plain values: a cell that is not "normal" becomes null, as in Ganeti's old-style queries.</summary>
    public static async Task<List<List<JsonNode?>>> RowsAsync(RapiRequest r, string resource,
        IReadOnlyList<string> fields, JsonNode? filter)
    {
        var result = await r.Master.QueryAsync(resource, fields, filter, r.Aborted);
        var rows = new List<List<JsonNode?>>(result.Data.Count);
        foreach (var row in result.Data)
        {
            if (row.Count != fields.Count)
                throw new RapiException(500, $"Internal error: query of {resource} returned {row.Count} values for {fields.Count} fields");
            rows.Add(row.Select(c => c.Status == ResultStatus.Normal ? c.Value?.DeepClone() : null).ToList());
        }
        return rows;
    }

    public static JsonObject MapFields(IReadOnlyList<string> fields, IReadOnlyList<JsonNode?> row)
    {
        var o = new JsonObject();
        for (var i = 0; i < fields.Count; i++)
            o[fields[i]] = row[i];
        return o;
    }

    /// <summary>The ?bulk=1 form: one object per item with the given fields.</summary>
    public static async Task<JsonArray> BulkAsync(RapiRequest r, string resource, IReadOnlyList<string> fields,
        Func<JsonObject, JsonObject>? adjust = null)
    {
        var rows = await RowsAsync(r, resource, fields, null);
        var list = new JsonArray();
        foreach (var row in rows)
        {
            var o = MapFields(fields, row);
            list.Add(adjust is null ? o : adjust(o));
        }
        return list;
    }

    /// <summary>The plain form: [{idKey: name, "uri": format(name)}], sorted by name.</summary>
    public static async Task<JsonArray> UriListAsync(RapiRequest r, string resource, string nameField,
        string uriPrefix, string idKey)
    {
        var rows = await RowsAsync(r, resource, [nameField], null);
        var names = rows.Select(row => row[0]?.ToString() ?? "").ToList();
        names.Sort(StringComparer.Ordinal);
        return UriList(names.Select(n => (JsonNode?)JsonValue.Create(n)), names, uriPrefix, idKey);
    }

    public static JsonArray UriList(IEnumerable<JsonNode?> ids, IEnumerable<string> idTexts, string uriPrefix, string idKey)
    {
        var list = new JsonArray();
        foreach (var (id, text) in ids.Zip(idTexts))
            list.Add(new JsonObject { [idKey] = id, ["uri"] = uriPrefix + text });
        return list;
    }

    /// <summary>One object's fields; 404 when it does not exist.</summary>
    public static async Task<JsonObject> ItemAsync(RapiRequest r, string resource, string name,
        IReadOnlyList<string> fields)
    {
        List<List<JsonNode?>> rows;
        try
        {
            rows = await RowsAsync(r, resource, fields, NameFilter("name", [name]));
        }
        catch (GanetiException e) when (e.Ecode == ErrorCodes.UnknownEntity)
        {
            throw RapiException.NotFound(e.Message);
        }
        var nameIndex = fields.ToList().IndexOf("name");
        var row = rows.FirstOrDefault(x => nameIndex < 0 || x[nameIndex]?.ToString() == name) ?? rows.FirstOrDefault();
        if (row is null) throw RapiException.NotFound();
        return MapFields(fields, row);
    }

    /// <summary>Adds alias keys to an answer (Ganeti's GET_ALIASES).</summary>
    public static JsonObject WithAliases(JsonObject o, IReadOnlyDictionary<string, string> aliases)
    {
        foreach (var (param, alias) in aliases)
        {
            if (!o.ContainsKey(param)) continue;
            if (o.ContainsKey(alias))
                throw RapiException.BadRequest($"Parameter '{param}' has an alias of '{alias}', but both values are present in response");
            o[alias] = o[param]?.DeepClone();
        }
        return o;
    }
}
