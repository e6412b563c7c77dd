using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Json;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;
using Ganeti.Master.Rpc;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>gnt-instance info: configuration and, unless static, the live state of instances.</summary>
public sealed class LUInstanceQueryData : LogicalUnit<OpInstanceQueryData>
{
    private List<Core.Config.Instance> selected = [];

    public override LockRequest? LocksAt(LockLevel level) =>
        Op.UseLocking && level == LockLevel.Instance
            ? (Op.Instances.Count == 0 ? LockRequest.AllOf(level, shared: true) : LockRequest.Of(level, Op.Instances.Select(n => InstanceOps.Find(Cfg, n).Name), shared: true))
            : null;

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        selected = Op.Instances.Count == 0
            ? Cfg.Instances.Values.OrderBy(i => i.Name, StringComparer.Ordinal).ToList()
            : Op.Instances.Select(n => InstanceOps.Find(Cfg, n)).ToList();
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var result = new JsonObject();
        foreach (var inst in selected)
        {
            string runState = "";
            if (!Op.Static)
            {
                try
                {
                    var live = await InstanceOps.LiveInfoAsync(Master, Cfg, inst, ct).ConfigureAwait(false);
                    runState = live is null ? "down" : "up";
                }
                catch (Core.Errors.GanetiException e)
                {
                    Log($"Warning: cannot get the live state of {inst.Name}: {e.Message}");
                    runState = "";
                }
            }
            var disks = new JsonArray();
            foreach (var (d, i) in Cfg.InstanceDisks(inst).Select((d, i) => (d, i)))
                disks.Add(new JsonObject
                {
                    ["iv_name"] = d.IvName,
                    ["dev_type"] = d.DevType,
                    ["logical_id"] = GanetiJson.ToNode(d.LogicalId),
                    ["physical_id"] = null,
                    ["pstatus"] = null,
                    ["sstatus"] = null,
                    ["children"] = new JsonArray(),
                    ["mode"] = d.Mode,
                    ["size"] = d.Size,
                    ["spindles"] = d.Spindles,
                    ["name"] = d.Name,
                    ["uuid"] = d.Uuid,
                });
            var nics = new JsonArray();
            foreach (var n in inst.Nics)
            {
                var s = InstanceSpecs.Nic(Cfg, n);
                nics.Add(new JsonArray(s.Name, s.Uuid, s.Ip, s.Mac, s.Mode, s.Link, s.Vlan, s.Network, s.NetworkName));
            }
            var pnode = Cfg.Nodes[inst.PrimaryNode];
            result[inst.Name] = new JsonObject
            {
                ["name"] = inst.Name,
                ["config_state"] = inst.AdminState,
                ["run_state"] = Op.Static ? null : runState,
                ["pnode"] = pnode.Name,
                ["pnode_group_uuid"] = pnode.Group,
                ["pnode_group_name"] = Cfg.Nodegroups.TryGetValue(pnode.Group, out var g) ? g.Name : null,
                ["snodes"] = new JsonArray(Cfg.SecondaryNodes(inst).Select(u => (JsonNode?)Cfg.Nodes[u].Name).ToArray()),
                ["os"] = inst.Os,
                ["network_port"] = inst.NetworkPort,
                ["disks"] = disks,
                ["nics"] = nics,
                ["hypervisor"] = inst.Hypervisor,
                ["hv_instance"] = GanetiJson.ToNode(inst.Hvparams),
                ["hv_actual"] = GanetiJson.ToNode(InstanceSpecs.FilledHvParams(Cfg, inst)),
                ["be_instance"] = GanetiJson.ToNode(inst.Beparams),
                ["be_actual"] = GanetiJson.ToNode(InstanceSpecs.FilledBeParams(Cfg, inst)),
                ["os_instance"] = GanetiJson.ToNode(inst.Osparams),
                ["os_actual"] = GanetiJson.ToNode(InstanceSpecs.FilledOsParams(Cfg, inst)),
                ["disk_template"] = inst.DiskTemplate,
                ["admin_state_source"] = inst.AdminStateSource,
                ["ctime"] = inst.Ctime,
                ["mtime"] = inst.Mtime,
                ["uuid"] = inst.Uuid,
                ["serial_no"] = inst.SerialNo,
                ["tags"] = GanetiJson.ToNode(inst.Tags),
            };
        }
        return result;
    }
}
