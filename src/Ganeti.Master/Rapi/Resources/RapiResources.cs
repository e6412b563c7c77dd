using System.Text.Json.Nodes;

namespace Ganeti.Master.Rapi.Resources;

/// <summary>All RAPI v2 resources, as Ganeti's connector maps them.</summary>
public static class RapiResources
{
    public static RapiRouteTable Build()
    {
        var table = new RapiRouteTable();
        ClusterResources.Register(table);
        JobResources.Register(table);
        InstanceResources.Register(table);
        NodeResources.Register(table);
        GroupResources.Register(table);
        NetworkResources.Register(table);
        QueryResources.Register(table);
        FilterResources.Register(table);
        TagResources.Register(table);
        return table;
    }

    /// <summary>
    /// A handler that submits one opcode built from the request, Ganeti's OpcodeResource:
    /// <paramref name="input"/> picks the body part and the static parameters.
    /// </summary>
    public static RapiHandler Opcode(string opId, Func<RapiRequest, (JsonNode? Body, JsonObject? Static)> input,
        IReadOnlyDictionary<string, string>? rename = null) =>
        r =>
        {
            var (body, statics) = input(r);
            return r.SubmitOpcodeAsync(opId, body, statics, rename);
        };

    /// <summary>The body, or {} when there is none; 400 unless it is an object.</summary>
    public static JsonObject BodyObject(RapiRequest r)
    {
        if (r.Body is null) return new JsonObject();
        if (r.Body is JsonObject o) return (JsonObject)o.DeepClone();
        throw RapiException.BadRequest($"Body contents: Type is '{RapiJson.PythonType(r.Body)}', but 'dict' is expected");
    }
}
