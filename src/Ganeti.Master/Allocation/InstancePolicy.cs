using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Json;
using Ganeti.HTools.Allocation;
using Ganeti.HTools.Model;
using Ganeti.Master.Rpc;

namespace Ganeti.Master.Allocation;

/// <summary>
/// Checks an instance against a node group's instance policy (the cluster's, overridden by
/// the group's), as Ganeti does before putting an instance on a node of that group.
/// </summary>
public static class InstancePolicy
{
    public static FailMode Check(ConfigData cfg, Core.Config.Instance inst, string groupUuid) =>
        Check(cfg, inst, Params.Fill(cfg.Cluster.Ipolicy, cfg.Nodegroups.GetValueOrDefault(groupUuid)?.Ipolicy));

    /// <summary>Checks an instance against a whole (filled) instance policy.</summary>
    public static FailMode Check(ConfigData cfg, Core.Config.Instance inst, IReadOnlyDictionary<string, System.Text.Json.JsonElement> policy)
    {
        var parsed = IAllocatorInput.ParsePolicy(GanetiJson.ToNode(policy)!.AsObject());
        var model = IAllocatorInput.ParseBaseInstance(inst.Name, IAllocatorRunner.InstanceJson(cfg, inst));
        return PolicyCheck.MatchesPolicy(model, parsed, exclStor: false);
    }

    /// <summary>
    /// Refuses (unless ignored) to place the instance on the node when the node is in another
    /// group than the instance's primary and that group's policy rejects the instance. Within
    /// its own group the instance is not checked again, as in Ganeti.
    /// </summary>
    public static void CheckTarget(ConfigData cfg, Core.Config.Instance inst, Core.Config.Node node, bool ignore, Action<string> log)
    {
        if (cfg.Nodes.TryGetValue(inst.PrimaryNode, out var primary) && primary.Group == node.Group)
            return;
        var result = Check(cfg, inst, node.Group);
        if (result == FailMode.None)
            return;
        var group = cfg.Nodegroups.GetValueOrDefault(node.Group)?.Name ?? node.Group;
        var what = result switch
        {
            FailMode.Mem => "memory size",
            FailMode.Cpu => "CPU count",
            FailMode.DiskCount => "disk count",
            FailMode.Disk => "disk size or disk template",
            FailMode.Spindles => "spindle use",
            _ => result.ToString(),
        };
        var message = $"Instance {inst.Name} does not meet the instance policy of node group {group} (of node {node.Name}): its {what} is outside the policy";
        if (!ignore)
            throw GanetiException.Prereq(message + "; use ignore_ipolicy to go ahead anyway", ErrorCodes.WrongInput);
        log("Warning: " + message);
    }
}
