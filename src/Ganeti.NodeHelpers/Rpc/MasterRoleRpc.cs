using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Json;
using Ganeti.NodeHelpers.MasterRole;
using Ganeti.NodeHelpers.Processes;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Rpc;

/// <summary>
/// Node procedures of a master failover: the node's vote (master_info), its copies of the
/// cluster state (master_state_read), stopping the master daemon it runs and adding or removing
/// the master IP on it.
/// </summary>
public static class MasterRoleRpc
{
    /// <summary>How long a master daemon gets to stop after SIGTERM before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    public static void Register(NodeRpcDispatcher d, NodeContext ctx, ICommandRunner? runner = null)
    {
        var ip = new MasterIp(runner ?? ProcessCommandRunner.Instance);

        d.Register(NodeProcedures.MasterInfo, (_, _) => Task.FromResult(RpcArgs.Result(ReadInfo(ctx))));

        d.Register(NodeProcedures.MasterStateRead, async (_, ct) =>
        {
            if (!File.Exists(ctx.Paths.ConfigData))
                throw Core.Errors.GanetiException.Prereq($"Node {ctx.NodeName} holds no copy of the configuration", Core.Errors.ErrorCodes.WrongState);
            var queue = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Directory.Exists(ctx.Paths.QueueDir))
                foreach (var f in Directory.EnumerateFiles(ctx.Paths.QueueDir))
                {
                    var name = Path.GetFileName(f);
                    if (!ClusterFiles.IsQueueFile(name)) continue;
                    try { queue[name] = Convert.ToBase64String(await File.ReadAllBytesAsync(f, ct).ConfigureAwait(false)); }
                    catch (FileNotFoundException) { }
                }
            var state = new MasterState
            {
                ConfigData = Convert.ToBase64String(await File.ReadAllBytesAsync(ctx.Paths.ConfigData, ct).ConfigureAwait(false)),
                QueueFiles = queue,
            };
            return RpcArgs.Result(state);
        });

        d.Register(NodeProcedures.NodeStopMaster, async (_, ct) =>
        {
            var pid = await MasterProcess.StopAsync(ctx.Paths, StopGrace, ct).ConfigureAwait(false);
            return pid is { } p ? JsonValue.Create(p) : null;
        });

        d.Register(NodeProcedures.NodeActivateMasterIp, async (args, ct) =>
        {
            var s = RpcArgs.Get<MasterIpSpec>(RpcArgs.Object(args, NodeProcedures.NodeActivateMasterIp), "master_ip", NodeProcedures.NodeActivateMasterIp);
            return JsonValue.Create(await ip.ActivateAsync(s.Ip, s.Netmask, s.Netdev, ct).ConfigureAwait(false));
        });

        d.Register(NodeProcedures.NodeDeactivateMasterIp, async (args, ct) =>
        {
            var s = RpcArgs.Get<MasterIpSpec>(RpcArgs.Object(args, NodeProcedures.NodeDeactivateMasterIp), "master_ip", NodeProcedures.NodeDeactivateMasterIp);
            return JsonValue.Create(await ip.DeactivateAsync(s.Ip, s.Netmask, s.Netdev, ct).ConfigureAwait(false));
        });
    }

    /// <summary>This node's vote, from its configuration copy if it has one, else its ssconf.</summary>
    public static MasterInfo ReadInfo(NodeContext ctx)
    {
        string master = "";
        long? serial = null;
        if (File.Exists(ctx.Paths.ConfigData))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllBytes(ctx.Paths.ConfigData));
                var root = doc.RootElement;
                serial = root.GetProperty("serial_no").GetInt64();
                var uuid = root.GetProperty("cluster").GetProperty("master_node").GetString() ?? "";
                if (root.GetProperty("nodes").TryGetProperty(uuid, out var node)) master = node.GetProperty("name").GetString() ?? "";
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                serial = null; // an unreadable copy is no copy
            }
        }
        if (master.Length == 0 && File.Exists(ctx.Paths.SsconfPrefix + "master_node"))
            master = File.ReadAllText(ctx.Paths.SsconfPrefix + "master_node").Trim();
        long queueSerial = 0;
        if (File.Exists(ctx.Paths.QueueSerial))
            _ = long.TryParse(File.ReadAllText(ctx.Paths.QueueSerial).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out queueSerial);
        return new MasterInfo { NodeName = ctx.NodeName, MasterNode = master, ConfigSerial = serial, QueueSerial = queueSerial };
    }
}
