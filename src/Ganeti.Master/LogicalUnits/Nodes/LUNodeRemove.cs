using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Config;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.LogicalUnits.Nodes;

/// <summary>
/// gnt-node remove: not the master, and no instance may use the node. The pool of master
/// candidates is refilled; the node is asked to forget the cluster's files (when it answers),
/// and its connection and host key are dropped.
/// </summary>
public sealed class LUNodeRemove : LogicalUnit<OpNodeRemove>
{
    public override string? HooksPath => "node-remove";

    public override string HooksObjectType => "NODE";

    public override IReadOnlyDictionary<string, string> HooksEnv() =>
        new Dictionary<string, string>(StringComparer.Ordinal) { ["OP_TARGET"] = node.Name, ["NODE_NAME"] = node.Name };

    // The node going away runs no hooks: the others do.
    public override (IReadOnlyList<string> Pre, IReadOnlyList<string> Post) HooksNodes()
    {
        var others = Cfg.Nodes.Values.Where(n => n.Uuid != node.Uuid).Select(n => n.Uuid).ToList();
        return (others, others);
    }

    private Core.Config.Node node = null!;

    public override bool RequiresBgl => true;

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        node = Cfg.FindNode(Op.NodeUuid ?? Op.NodeName) ?? throw GanetiException.NotFound("Node", Op.NodeName);
        if (node.Uuid == Cfg.Cluster.MasterNode)
            throw GanetiException.WrongInput($"Node {node.Name} is the master node; fail over to another node first");
        var users = Cfg.Instances.Values.Where(i => Cfg.InstanceNodes(i).Contains(node.Uuid)).Select(i => i.Name).Order(StringComparer.Ordinal).ToList();
        if (users.Count > 0)
            throw GanetiException.WrongInput($"Instance(s) {string.Join(", ", users)} still use node {node.Name}; remove or move them first");
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var uuid = node.Uuid;
        Log($"Removing node {node.Name}");
        var promoted = await Master.Config.UpdateAsync(c =>
        {
            c.Nodes.Remove(uuid);
            var p = CandidatePool.Fill(c);
            foreach (var n in p) n.Touch(ConfigStore.Now());
            c.Cluster.Touch(ConfigStore.Now());
            return p.Select(n => n.Name).ToList();
        }, ct).ConfigureAwait(false);
        foreach (var n in promoted) Log($"Promoted node {n} to master candidate");

        if (!node.Offline)
        {
            try
            {
                await Master.Rpc.CallAsync(node, NodeProcedures.NodeLeaveCluster, null, ct, Master.NodeCheckTimeout).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                Log($"Warning: node {node.Name} could not be told to leave the cluster (its copies of the cluster's files stay): {e.Message}");
            }
        }
        await Master.Rpc.DropAsync(uuid).ConfigureAwait(false);
        Master.Ssh?.KnownHosts.Remove(node.Name);
        return null;
    }
}
