using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Config;
using Ganeti.Master.Locking;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.LogicalUnits.Nodes;

/// <summary>
/// gnt-node modify: the node's role (master candidate, drained, offline, regular) and flags with
/// Ganeti's rules. One of the three states at a time; the master stays a master candidate and
/// master capable; a demotion that would leave the pool short needs auto_promote, which then
/// promotes other nodes; a node back from offline or drained promotes itself when the pool
/// needs it; a node going online must answer first; a node marked offline is not contacted.
/// </summary>
public sealed class LUNodeSetParams : LogicalUnit<OpNodeSetParams>
{
    public override string? HooksPath => "node-modify";

    public override string HooksObjectType => "NODE";

    public override IReadOnlyDictionary<string, string> HooksEnv()
    {
        static string B(bool? v) => v is null ? "" : v.Value ? "True" : "False";
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["OP_TARGET"] = node.Name,
            ["MASTER_CANDIDATE"] = B(Op.MasterCandidate),
            ["OFFLINE"] = B(Op.Offline),
            ["DRAINED"] = B(Op.Drained),
            ["MASTER_CAPABLE"] = B(Op.MasterCapable),
            ["VM_CAPABLE"] = B(Op.VmCapable),
        };
    }

    public override (IReadOnlyList<string> Pre, IReadOnlyList<string> Post) HooksNodes() =>
        ([Cfg.Cluster.MasterNode, node.Uuid], [Cfg.Cluster.MasterNode, node.Uuid]);

    private enum Role { Candidate, Drained, Offline, Regular }

    private Core.Config.Node node = null!;
    private Role oldRole;
    private Role newRole;
    private bool masterCapable;

    private bool ChangesRole => Op.MasterCandidate is not null || Op.Offline is not null || Op.Drained is not null || Op.MasterCapable is not null;

    public override void CheckArguments()
    {
        if (Op.MasterCandidate is null && Op.Offline is null && Op.Drained is null && Op.MasterCapable is null && Op.VmCapable is null
            && Op.SecondaryIp is null && Op.Ndparams is null && Op.Powered is null && Op.HvState is null && Op.DiskState is null)
            throw GanetiException.WrongInput("Please pass at least one modification");
        if (new[] { Op.MasterCandidate, Op.Offline, Op.Drained }.Count(f => f == true) > 1)
            throw GanetiException.WrongInput("Can't set the node into more than one state at the same time");
        if (Op.SecondaryIp is not null) NodeChecks.CheckAddress(Op.SecondaryIp, "secondary");
    }

    private Core.Config.Node Find() =>
        Cfg.FindNode(Op.NodeUuid ?? Op.NodeName) ?? throw GanetiException.NotFound("Node", Op.NodeName);

    // A role change may promote other nodes: all node locks then.
    public override LockRequest? LocksAt(LockLevel level) =>
        level != LockLevel.Node ? null
        : ChangesRole ? LockRequest.AllOf(level)
        : LockRequest.Of(level, [Find().Uuid]);

    private static Role RoleOf(Core.Config.Node n) =>
        n.MasterCandidate ? Role.Candidate : n.Drained ? Role.Drained : n.Offline ? Role.Offline : Role.Regular;

    public override async Task CheckPrereqAsync(CancellationToken ct)
    {
        node = Find();
        var isMaster = node.Uuid == Cfg.Cluster.MasterNode;
        if (isMaster && (Op.MasterCandidate == false || Op.Offline == true || Op.Drained == true))
            throw GanetiException.WrongInput($"Node {node.Name} is the master: its role changes only with a master failover");
        if (isMaster && Op.MasterCapable == false)
            throw GanetiException.WrongInput($"Node {node.Name} is the master and must stay master capable");
        masterCapable = Op.MasterCapable ?? node.MasterCapable;
        var candidate = Op.MasterCandidate;
        if (candidate == true && !masterCapable)
            throw GanetiException.WrongState($"Node {node.Name} is not master capable and cannot become a master candidate");
        if (candidate == true && node.Offline && Op.Offline != false)
            throw GanetiException.WrongState($"Node {node.Name} is offline; it cannot be promoted while it stays offline");
        if (candidate == true && node.Drained && Op.Drained != false)
            throw GanetiException.WrongState($"Node {node.Name} is drained; it cannot be promoted while it stays drained");
        if (Op.VmCapable == false)
        {
            var users = Cfg.Instances.Values.Where(i => Cfg.InstanceNodes(i).Contains(node.Uuid)).Select(i => i.Name).ToList();
            if (users.Count > 0)
                throw GanetiException.WrongState($"Instance(s) {string.Join(", ", users)} use node {node.Name}; it must stay vm_capable");
        }
        if (Op.SecondaryIp is { } sip)
        {
            var ip = NodeChecks.CheckAddress(sip, "secondary");
            var other = Cfg.Nodes.Values.FirstOrDefault(n => n.Uuid != node.Uuid && (n.PrimaryIp == ip || n.SecondaryIp == ip));
            if (other is not null)
                throw GanetiException.Prereq($"The address {ip} is already used by node {other.Name}", ErrorCodes.NotUnique);
        }

        // Back from offline or drained, or newly master capable: a candidate if the pool needs one.
        if (candidate is null && Op.Offline != true && Op.Drained != true && masterCapable
            && (Op.Drained == false || Op.Offline == false || (Op.MasterCapable == true && !node.MasterCapable))
            && CandidatePool.ShouldPromote(Cfg, node.Uuid))
        {
            candidate = true;
            Log($"Auto-promoting node {node.Name} to master candidate");
        }
        if (Op.MasterCapable == false && node.MasterCandidate) candidate = false;

        oldRole = RoleOf(node);
        newRole = candidate == true ? Role.Candidate
            : Op.Drained == true ? Role.Drained
            : Op.Offline == true ? Role.Offline
            : candidate == false || Op.Drained == false || Op.Offline == false ? Role.Regular
            : oldRole;
        if (isMaster) newRole = Role.Candidate;

        if (oldRole == Role.Candidate && newRole != Role.Candidate && !Op.AutoPromote)
        {
            var (now, should) = CandidatePool.Stats(Cfg, node.Uuid);
            if (now < should)
                throw GanetiException.WrongState(
                    $"Not enough master candidates (desired {should}, new value will be {now}): " +
                    "pass auto_promote to promote other nodes in its place");
        }

        if (oldRole == Role.Offline && newRole != Role.Offline)
        {
            // Whatever connection the node had before it went offline is stale.
            await Master.Rpc.DropAsync(node.Uuid).ConfigureAwait(false);
            var online = Core.Json.GanetiJson.Clone(node);
            online.Offline = false;
            try
            {
                await NodeChecks.CheckVersionAsync(Master, online, ct).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                throw GanetiException.Prereq($"Node {node.Name} is being brought online but does not answer properly: {e.Message}",
                    ErrorCodes.Environment);
            }
            finally
            {
                await Master.Rpc.DropAsync(node.Uuid).ConfigureAwait(false);
            }
        }
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var uuid = node.Uuid;
        var changes = new JsonArray();
        void Changed(string what, object value) => changes.Add(new JsonArray(what, Python(value)));
        var promoted = await Master.Config.UpdateAsync(c =>
        {
            var n = c.Nodes[uuid];
            var now = ConfigStore.Now();
            var promotedOthers = new List<string>();
            if (Op.MasterCapable is { } mcap && mcap != n.MasterCapable) { n.MasterCapable = mcap; Changed("master_capable", mcap); }
            if (Op.VmCapable is { } vcap && vcap != n.VmCapable) { n.VmCapable = vcap; Changed("vm_capable", vcap); }
            if (Op.Powered is { } powered && powered != n.Powered) { n.Powered = powered; Changed("powered", powered); }
            if (Op.SecondaryIp is { } sip)
            {
                var ip = NodeChecks.CheckAddress(sip, "secondary");
                if (ip != n.SecondaryIp) { n.SecondaryIp = ip; Changed("secondary_ip", ip); }
            }
            if (Op.Ndparams is { } nd)
                foreach (var (k, v) in nd)
                {
                    n.Ndparams[k] = v.Clone();
                    Changed($"ndparams/{k}", v.ToString());
                }
            if (newRole != oldRole)
            {
                var (mc, offline, drained) = (newRole == Role.Candidate, newRole == Role.Offline, newRole == Role.Drained);
                if (mc != n.MasterCandidate) { n.MasterCandidate = mc; Changed("master_candidate", mc); }
                if (offline != n.Offline) { n.Offline = offline; Changed("offline", offline); }
                if (drained != n.Drained) { n.Drained = drained; Changed("drained", drained); }
                if (oldRole == Role.Candidate && Op.AutoPromote)
                    promotedOthers.AddRange(CandidatePool.Fill(c, uuid).Select(p => { p.Touch(now); return p.Name; }));
            }
            n.Touch(now);
            return promotedOthers;
        }, ct).ConfigureAwait(false);
        foreach (var p in promoted) Log($"Promoted node {p} to master candidate");

        if (newRole == Role.Offline && oldRole != Role.Offline)
        {
            Log($"Node {node.Name} is now offline: it is not contacted until it is brought online again");
            await Master.Rpc.DropAsync(uuid).ConfigureAwait(false);
        }
        else if (oldRole == Role.Candidate && newRole != Role.Candidate && node.Uuid != Cfg.Cluster.MasterNode)
        {
            try
            {
                await Master.Rpc.CallAsync(Master.Config.Current.Nodes[uuid], NodeProcedures.NodeDemoteFromMc, null, ct,
                    Master.NodeCheckTimeout).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                Log($"Warning: node {node.Name} could not set aside its copy of the configuration: {e.Message}");
            }
        }
        if (oldRole == Role.Offline && newRole != Role.Offline)
        {
            try
            {
                await Master.Replication.SyncNodeAsync(Master.Config.Current, uuid).ConfigureAwait(false);
                Log($"Node {node.Name} is online and up to date");
            }
            catch (GanetiException e)
            {
                Log($"Warning: node {node.Name} is online but could not catch up yet (it will on a later change): {e.Message}");
            }
        }
        return changes;
    }

    /// <summary>Ganeti reports new values as Python's str() of them.</summary>
    private static string Python(object value) => value switch
    {
        bool b => b ? "True" : "False",
        _ => value.ToString() ?? "",
    };
}
