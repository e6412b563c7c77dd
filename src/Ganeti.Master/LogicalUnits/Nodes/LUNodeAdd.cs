using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Config;
using Ganeti.Master.LogicalUnits.Instance;
using Ganeti.Master.Rpc;

namespace Ganeti.Master.LogicalUnits.Nodes;

/// <summary>
/// gnt-node add: checks the new node over its transport (host key recorded or enforced, reachable,
/// same version, calls itself by the given name, the cluster's hypervisors, clock), adds it to a
/// group, makes it a master candidate when the pool needs one, and hands it the configuration
/// and ssconf files. With readd, a node already in the configuration joins again, online.
/// </summary>
public sealed class LUNodeAdd : LogicalUnit<OpNodeAdd>
{
    public override string? HooksPath => "node-add";

    public override string HooksObjectType => "NODE";

    public override IReadOnlyDictionary<string, string> HooksEnv() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["OP_TARGET"] = probe.Name,
        ["NODE_NAME"] = probe.Name,
        ["NODE_PIP"] = probe.PrimaryIp,
        ["NODE_SIP"] = probe.SecondaryIp,
        ["MASTER_CAPABLE"] = probe.MasterCapable ? "True" : "False",
        ["VM_CAPABLE"] = probe.VmCapable ? "True" : "False",
    };

    // Before the add the other nodes hear of it; after, the new node too.
    public override (IReadOnlyList<string> Pre, IReadOnlyList<string> Post) HooksNodes()
    {
        var others = Cfg.Nodes.Values.Where(n => n.Uuid != probe.Uuid).Select(n => n.Uuid).ToList();
        return (others, [.. others, probe.Uuid]);
    }

    private string name = "";
    private Core.Config.Node? existing;
    private Core.Config.Node probe = null!;

    public override bool RequiresBgl => true;

    public override void CheckArguments()
    {
        name = InstanceOps.CheckName(Op.NodeName, "node");
        if (Op.PrimaryIp is not null) NodeChecks.CheckAddress(Op.PrimaryIp, "primary");
        if (Op.SecondaryIp is not null) NodeChecks.CheckAddress(Op.SecondaryIp, "secondary");
    }

    public override async Task CheckPrereqAsync(CancellationToken ct)
    {
        existing = Cfg.FindNode(name);
        if (existing is not null && !Op.Readd)
            throw GanetiException.Exists($"Node {name} is already in the configuration (use readd to add it again)");
        if (existing is null && Op.Readd)
            throw GanetiException.NotFound("Node", name);
        if (existing?.Uuid == Cfg.Cluster.MasterNode)
            throw GanetiException.WrongInput($"Node {name} is the master node and cannot be re-added");

        var primary = Op.PrimaryIp ?? existing?.PrimaryIp ?? await Master.ResolveHost(name, ct).ConfigureAwait(false)
            ?? throw GanetiException.Prereq($"Cannot resolve node name {name}; give its primary IP address", ErrorCodes.Resolver);
        primary = NodeChecks.CheckAddress(primary, "primary");
        var secondary = NodeChecks.CheckAddress(Op.SecondaryIp ?? existing?.SecondaryIp ?? primary, "secondary");
        foreach (var other in Cfg.Nodes.Values.Where(n => n.Uuid != existing?.Uuid))
        {
            var clash = new[] { other.PrimaryIp, other.SecondaryIp }.Intersect([primary, secondary]).FirstOrDefault();
            if (clash is not null)
                throw GanetiException.Prereq($"The address {clash} of {name} is already used by node {other.Name}", ErrorCodes.NotUnique);
        }
        var group = Op.Group is { } g
            ? Cfg.Nodegroups.Values.FirstOrDefault(x => x.Name == g || x.Uuid == g) ?? throw GanetiException.NotFound("Node group", g)
            : existing is not null ? Cfg.Nodegroups[existing.Group] : DefaultGroup(Cfg);

        probe = new Core.Config.Node
        {
            Uuid = existing?.Uuid ?? Guid.NewGuid().ToString(),
            Name = name,
            PrimaryIp = primary,
            SecondaryIp = secondary,
            Group = group.Uuid,
            MasterCapable = Op.MasterCapable ?? existing?.MasterCapable ?? true,
            VmCapable = Op.VmCapable ?? existing?.VmCapable ?? true,
            Ndparams = Op.Ndparams ?? existing?.Ndparams ?? [],
            RootDir = existing?.RootDir ?? "/",
        };
        var done = false;
        try
        {
            // A re-added node gets a fresh connection, with the host key as recorded now.
            await Master.Rpc.DropAsync(probe.Uuid).ConfigureAwait(false);
            if (Master.Ssh is { } ssh)
                Log(await ssh.EnsureHostKeyAsync(name, primary, NodeSsh.SshPort(Cfg, probe), ct).ConfigureAwait(false));
            await NodeChecks.CheckVersionAsync(Master, probe, ct).ConfigureAwait(false);
            await NodeChecks.CheckHypervisorsAndClockAsync(Master, Cfg, probe, ct).ConfigureAwait(false);
            if (probe.VmCapable)
                foreach (var line in await NodeChecks.CheckStorageAsync(Master, Cfg, probe, ct).ConfigureAwait(false))
                    Log(line);
            done = true;
        }
        finally
        {
            if (!done) await Master.Rpc.DropAsync(probe.Uuid).ConfigureAwait(false);
        }
    }

    /// <summary>The group a node joins unless told otherwise: "default", else the first by name.</summary>
    private static NodeGroup DefaultGroup(ConfigData cfg) =>
        cfg.Nodegroups.Values.FirstOrDefault(g => g.Name == "default")
        ?? cfg.Nodegroups.Values.OrderBy(g => g.Name, StringComparer.Ordinal).FirstOrDefault()
        ?? throw GanetiException.WrongState("The cluster has no node group");

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var uuid = probe.Uuid;
        var candidate = await Master.Config.UpdateAsync(c =>
        {
            var now = ConfigStore.Now();
            if (!c.Nodes.TryGetValue(uuid, out var node))
            {
                node = probe;
                node.Ctime = now;
                c.Nodes[uuid] = node;
            }
            else
            {
                node.PrimaryIp = probe.PrimaryIp;
                node.SecondaryIp = probe.SecondaryIp;
                node.Group = probe.Group;
                node.MasterCapable = probe.MasterCapable;
                node.VmCapable = probe.VmCapable;
                node.Ndparams = probe.Ndparams;
            }
            node.Offline = false;
            node.Drained = false;
            node.MasterCandidate = false;
            node.MasterCandidate = node.MasterCapable && CandidatePool.ShouldPromote(c, uuid);
            node.Touch(now);
            return node.MasterCandidate;
        }, ct).ConfigureAwait(false);
        Log(candidate ? $"Node {name} added as a master candidate" : $"Node {name} added");
        try
        {
            await Master.Replication.SyncNodeAsync(Master.Config.Current, uuid).ConfigureAwait(false);
        }
        catch (GanetiException e)
        {
            throw GanetiException.Exec($"Node {name} was added, but could not be given the cluster's files: {e.Message}; " +
                                       "fix the node and run redist-conf, or remove it", e);
        }
        return null;
    }
}
