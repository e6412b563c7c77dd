using System.Text.Json.Nodes;
using Ganeti.Core.Json;
using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Query;

/// <summary>The generic query opcode (query2): fields and rows for one resource.</summary>
public sealed class LUQuery : LogicalUnit<OpQuery>
{
    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var filter = Op.Qfilter is null ? null : GanetiJson.ToNode(Op.Qfilter);
        var result = await Master.Query.QueryAsync(Op.What, Op.Fields, filter, ct).ConfigureAwait(false);
        return result.ToWire();
    }
}
