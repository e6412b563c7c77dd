using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.Query;

/// <summary>How to reach a running instance's console, asked of its primary node (Ganeti's InstanceConsole).</summary>
public static class InstanceConsole
{
    public static async Task<JsonNode?> GetAsync(NodeRpcClient rpc, ConfigData cfg, Instance inst, CancellationToken ct)
    {
        var node = cfg.Nodes[inst.PrimaryNode];
        var console = await rpc.CallAsync(node, NodeProcedures.InstanceConsoleInfo,
            new { instance = InstanceSpecs.Build(cfg, inst), node_address = node.Name }, ct).ConfigureAwait(false);
        if (console is JsonObject o && o["kind"]?.GetValue<string>() == "ssh")
        {
            // gnt-instance console runs the command over ssh on the primary node, as root.
            o["host"] ??= node.Name;
            o["user"] ??= "root";
        }
        return console;
    }
}
