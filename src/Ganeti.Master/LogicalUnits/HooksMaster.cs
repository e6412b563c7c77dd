using System.Globalization;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.LogicalUnits;

/// <summary>
/// Runs an operation's hooks on its nodes, as Ganeti's HooksMaster: the pre phase after the
/// prerequisites (a failing script stops the operation before anything changes), the post
/// phase after success (failures are warnings). The environment is the unit's own variables
/// with GANETI_ in front, plus the hooks' common ones; the post phase adds the unit's
/// variables as they are after the change, with GANETI_POST_ in front. Offline nodes are left
/// out; a node that cannot be reached is a warning in both phases.
/// </summary>
public sealed class HooksMaster(MasterContext master, LogicalUnit lu, Action<string> log)
{
    private Dictionary<string, string>? preEnv;
    private IReadOnlyList<string> postNodes = [];

    public async Task RunPreAsync(ConfigData cfg, CancellationToken ct)
    {
        if (lu.HooksPath is null) return;
        preEnv = Prefixed("GANETI_", lu.HooksEnv());
        var (pre, post) = lu.HooksNodes();
        postNodes = post;
        var failures = await RunPhaseAsync(cfg, "pre", pre, preEnv, ct).ConfigureAwait(false);
        if (failures.Count > 0)
            throw new GanetiException("HooksFailure", "Hooks failure: " + string.Join("; ", failures), ErrorCodes.Environment);
    }

    public async Task RunPostAsync(ConfigData cfg, CancellationToken ct)
    {
        if (lu.HooksPath is null || preEnv is null) return;
        var env = new Dictionary<string, string>(preEnv, StringComparer.Ordinal);
        foreach (var (k, v) in Prefixed("GANETI_POST_", lu.HooksEnv()))
            env[k] = v;
        foreach (var failure in await RunPhaseAsync(cfg, "post", postNodes, env, ct).ConfigureAwait(false))
            log($"Warning: {failure}");
    }

    private async Task<List<string>> RunPhaseAsync(ConfigData cfg, string phase, IReadOnlyList<string> nodeUuids,
        Dictionary<string, string> unitEnv, CancellationToken ct)
    {
        var env = new Dictionary<string, string>(unitEnv, StringComparer.Ordinal)
        {
            ["GANETI_HOOKS_VERSION"] = "2",
            ["GANETI_HOOKS_PHASE"] = phase,
            ["GANETI_HOOKS_PATH"] = lu.HooksPath!,
            ["GANETI_OP_CODE"] = lu.OpCode.OpId,
            ["GANETI_OBJECT_TYPE"] = lu.HooksObjectType,
            ["GANETI_CLUSTER"] = cfg.Cluster.ClusterName,
            ["GANETI_MASTER"] = cfg.Nodes.GetValueOrDefault(cfg.Cluster.MasterNode)?.Name ?? "",
        };
        var nodes = nodeUuids.Distinct().Select(u => cfg.Nodes.GetValueOrDefault(u)).OfType<Node>().Where(n => !n.Offline).ToList();
        var failures = new List<string>();
        if (nodes.Count == 0) return failures;
        var answers = await master.Rpc.CallManyAsync(nodes, NodeProcedures.HooksRunner,
            new { hpath = lu.HooksPath, phase, env }, ct).ConfigureAwait(false);
        foreach (var node in nodes)
        {
            var answer = answers[node.Uuid];
            if (!answer.Ok)
            {
                log($"Warning: communication failure to node {node.Name} while running the {phase} hooks: {answer.Error?.Message}");
                continue;
            }
            foreach (var entry in (answer.Payload as JsonArray) ?? [])
            {
                if (entry is not JsonArray { Count: 3 } r) continue;
                var (script, status, output) = (r[0]!.GetValue<string>(), r[1]!.GetValue<string>(), r[2]!.GetValue<string>());
                if (status != "fail") continue;
                var text = $"Failure in hook {script} on node {node.Name}" + (output.Length > 0 ? $": {output}" : "");
                log(text);
                failures.Add(text);
            }
        }
        return failures;
    }

    private static Dictionary<string, string> Prefixed(string prefix, IReadOnlyDictionary<string, string> env) =>
        env.ToDictionary(e => prefix + e.Key, e => e.Value, StringComparer.Ordinal);

    /// <summary>Ganeti's instance hook variables (BuildInstanceHookEnv) from the configuration.</summary>
    public static Dictionary<string, string> InstanceEnv(ConfigData cfg, Core.Config.Instance inst)
    {
        var be = InstanceSpecs.FilledBeParams(cfg, inst);
        string Name(string uuid) => cfg.Nodes.GetValueOrDefault(uuid)?.Name ?? uuid;
        string I(long? v) => (v ?? 0).ToString(CultureInfo.InvariantCulture);
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["INSTANCE_NAME"] = inst.Name,
            ["INSTANCE_PRIMARY"] = Name(inst.PrimaryNode),
            ["INSTANCE_SECONDARIES"] = string.Join(" ", cfg.SecondaryNodes(inst).Select(Name)),
            ["INSTANCE_OS_TYPE"] = inst.Os,
            ["INSTANCE_STATUS"] = inst.AdminState,
            ["INSTANCE_MAXMEM"] = I(Params.GetInt(be, "maxmem")),
            ["INSTANCE_MINMEM"] = I(Params.GetInt(be, "minmem")),
            ["INSTANCE_MEMORY"] = I(Params.GetInt(be, "maxmem")),
            ["INSTANCE_VCPUS"] = I(Params.GetInt(be, "vcpus")),
            ["INSTANCE_DISK_TEMPLATE"] = inst.DiskTemplate,
            ["INSTANCE_HYPERVISOR"] = inst.Hypervisor,
            ["INSTANCE_TAGS"] = string.Join(" ", inst.Tags),
        };
        var nicDefaults = cfg.Cluster.Nicparams.GetValueOrDefault("default");
        env["INSTANCE_NIC_COUNT"] = inst.Nics.Count.ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < inst.Nics.Count; i++)
        {
            var nic = inst.Nics[i];
            var p = Params.Fill(nicDefaults, nic.Nicparams);
            env[$"INSTANCE_NIC{i}_MAC"] = nic.Mac;
            env[$"INSTANCE_NIC{i}_IP"] = nic.Ip ?? "";
            env[$"INSTANCE_NIC{i}_MODE"] = Params.GetString(p, "mode") ?? "";
            env[$"INSTANCE_NIC{i}_LINK"] = Params.GetString(p, "link") ?? "";
            if (Params.GetString(p, "mode") == "bridged") env[$"INSTANCE_NIC{i}_BRIDGE"] = Params.GetString(p, "link") ?? "";
        }
        var disks = cfg.InstanceDisks(inst);
        env["INSTANCE_DISK_COUNT"] = disks.Count.ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < disks.Count; i++)
        {
            env[$"INSTANCE_DISK{i}_SIZE"] = disks[i].Size.ToString(CultureInfo.InvariantCulture);
            env[$"INSTANCE_DISK{i}_MODE"] = disks[i].Mode;
        }
        return env;
    }
}
