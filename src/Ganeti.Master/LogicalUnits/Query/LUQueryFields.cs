using System.Text.Json.Nodes;
using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Query;

/// <summary>The definitions of a resource's query fields.</summary>
public sealed class LUQueryFields : LogicalUnit<OpQueryFields>
{
    public override Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var defs = Master.Query.Fields(Op.What, Op.Fields ?? []);
        var fields = new JsonArray(defs.Select(f => (JsonNode?)new JsonObject
        {
            ["name"] = f.Name, ["title"] = f.Title, ["kind"] = f.Kind, ["doc"] = f.Doc,
        }).ToArray());
        return Task.FromResult<JsonNode?>(new JsonObject { ["fields"] = fields });
    }
}
