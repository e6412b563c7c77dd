using System.Text.Json.Nodes;
using Ganeti.Master.Query;

namespace Ganeti.Master.Rapi.Resources;

/// <summary>/2/query/[resource] (GET ?fields=, PUT {fields, qfilter}) and /2/query/[resource]/fields.</summary>
public static class QueryResources
{
    public static void Register(RapiRouteTable t)
    {
        // Query results can hold sensitive data: read or write is needed, even for GET.
        t.Add("/2/query/{resource}", "query")
            .Get(r => QueryAsync(r, FieldsFromQuery(r, required: true)!, null), RapiAccess.ReadOrWrite)
            .Put(PutQueryAsync, RapiAccess.ReadOrWrite);
        t.Add("/2/query/{resource}/fields", "query_fields").Get(r =>
        {
            var what = Resource(r);
            var fields = FieldsFromQuery(r, required: false) ?? [];
            var defs = r.Master.QueryFields(what, fields);
            return Task.FromResult<JsonNode?>(new JsonObject { ["fields"] = FieldDefinitions(defs) });
        });
    }

    private static string Resource(RapiRequest r)
    {
        var what = r.Item(0);
        if (!RapiFields.QueryResources.Contains(what))
            throw RapiException.NotFound($"Unknown query resource '{what}'; one of {string.Join(", ", RapiFields.QueryResources)}");
        return what;
    }

    private static List<string>? FieldsFromQuery(RapiRequest r, bool required)
    {
        var values = r.QueryValues("fields");
        if (values.Count == 0)
            return required ? throw RapiException.BadRequest("Missing 'fields' query argument") : null;
        return values[0].Split(',').Select(f => f.Trim()).ToList();
    }

    private static Task<JsonNode?> PutQueryAsync(RapiRequest r)
    {
        if (r.Body is not JsonObject body)
            throw RapiException.BadRequest($"Body contents: Type is '{RapiJson.PythonType(r.Body)}', but 'dict' is expected");
        List<string> fields;
        if (body.TryGetPropertyValue("fields", out var f))
        {
            if (f is not JsonArray list || list.Any(x => !RapiJson.IsString(x)))
                throw RapiException.BadRequest("The 'fields' parameter should be a list of strings");
            fields = list.Select(x => x!.GetValue<string>()).ToList();
        }
        else
        {
            fields = FieldsFromQuery(r, required: true)!;
        }
        var filter = body["qfilter"] ?? body["filter"];
        if (filter is not null and not JsonArray)
            throw RapiException.BadRequest("The query filter must be null or a list");
        return QueryAsync(r, fields, filter?.DeepClone());
    }

    private static async Task<JsonNode?> QueryAsync(RapiRequest r, IReadOnlyList<string> fields, JsonNode? filter)
    {
        var what = Resource(r);
        var result = await r.Master.QueryAsync(what, fields, filter, r.Aborted);
        return result.ToWire();
    }

    private static JsonArray FieldDefinitions(IEnumerable<QueryFieldDefinition> defs)
    {
        var list = new JsonArray();
        foreach (var d in defs)
            list.Add(new JsonObject { ["name"] = d.Name, ["title"] = d.Title, ["kind"] = d.Kind, ["doc"] = d.Doc });
        return list;
    }
}
