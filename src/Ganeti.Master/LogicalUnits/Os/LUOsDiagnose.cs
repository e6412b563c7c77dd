using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Os;

/// <summary>gnt-os diagnose / list: the OS definitions found on the nodes, one row of the asked fields per OS.</summary>
public sealed class LUOsDiagnose : LogicalUnit<OpOsDiagnose>
{
    public override void CheckArguments()
    {
        if (Op.Names.Count > 0)
            throw GanetiException.WrongInput("Selective OS query is not supported; ask for all OSes (names=[])");
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var result = await Master.Query.QueryAsync("os", Op.OutputFields, null, ct).ConfigureAwait(false);
        var unknown = result.Fields.Where(f => f.Kind == "unknown").Select(f => f.Name).ToList();
        if (unknown.Count > 0)
            throw GanetiException.WrongInput($"Unknown output field(s): {string.Join(", ", unknown)}");
        return new JsonArray(result.Data.Select(row => (JsonNode?)new JsonArray(row.Select(c => c.Value?.DeepClone()).ToArray())).ToArray());
    }
}
