using Ganeti.Remoting.NodeRpc;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;

namespace Ganeti.Master.LogicalUnits.Backup;

/// <summary>gnt-backup remove: deletes an instance's export from every node that has one.</summary>
public sealed class LUBackupRemove : LogicalUnit<OpBackupRemove>
{
    public override LockRequest? LocksAt(LockLevel level) =>
        level == LockLevel.Node ? LockRequest.AllOf(level, shared: true) : null;

    private string name = "";
    private List<Core.Config.Node> holders = [];

    public override async Task CheckPrereqAsync(CancellationToken ct)
    {
        // The instance may be gone already: exports are found by name on the nodes.
        name = Cfg.FindInstance(Op.InstanceName)?.Name ?? Op.InstanceName;
        var lists = await Master.Rpc.CallManyAsync(Cfg.Nodes.Values, NodeProcedures.ExportList, new { }, ct).ConfigureAwait(false);
        holders = lists.Where(kv => kv.Value.Ok && kv.Value.Payload is JsonArray a && a.Any(x => x?.GetValue<string>() == name))
            .Select(kv => Cfg.Nodes[kv.Key]).ToList();
        if (holders.Count == 0)
            throw GanetiException.Prereq($"No export of instance {name} found on any node", ErrorCodes.UnknownEntity);
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        foreach (var node in holders)
        {
            await Master.Rpc.CallAsync(node, NodeProcedures.ExportRemove, new { name }, ct).ConfigureAwait(false);
            Log($"Removed the export of {name} from {node.Name}");
        }
        return null;
    }
}
