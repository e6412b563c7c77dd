using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Json;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.Master.Query;

/// <summary>Instance fields: configuration, layered parameters and, when asked, live state from the primary nodes.</summary>
internal sealed class InstanceQuery(QueryEngine engine) : IResourceQuery
{
    private static readonly HashSet<string> LiveFields = ["oper_state", "oper_ram", "oper_vcpus", "status", "console"];

    public async Task<IReadOnlyList<Func<string, QueryCell>>> RowsAsync(IReadOnlySet<string> fields, CancellationToken ct)
    {
        var cfg = engine.Config;
        var instances = cfg.Instances.Values.OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
        var live = new Dictionary<string, (int Status, Dictionary<string, HvInstanceInfo> Infos)>(StringComparer.Ordinal);
        if (fields.Any(LiveFields.Contains))
        {
            var nodes = instances.Select(i => i.PrimaryNode).Distinct().Select(u => cfg.Nodes[u]).ToList();
            var hvs = cfg.Cluster.EnabledHypervisors;
            var answers = await engine.Rpc.CallManyAsync(nodes, NodeProcedures.AllInstancesInfo, new { hypervisors = hvs }, ct)
                .ConfigureAwait(false);
            foreach (var (uuid, a) in answers)
            {
                if (a.Offline) live[uuid] = (ResultStatus.Offline, []);
                else if (!a.Ok) live[uuid] = (ResultStatus.NoData, []);
                else
                    live[uuid] = (ResultStatus.Normal,
                        (a.Payload.Deserialize<List<HvInstanceInfo>>(GanetiJson.Options) ?? [])
                        .GroupBy(i => i.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));
            }
        }
        var consoles = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (fields.Contains("console"))
        {
            var running = instances.Where(i => live.TryGetValue(i.PrimaryNode, out var l) && l.Infos.TryGetValue(i.Name, out var info)
                && info.State != HvState.Shutdown).ToList();
            var answers = await Task.WhenAll(running.Select(async i =>
            {
                try
                {
                    return (i.Name, await InstanceConsole.GetAsync(engine.Rpc, cfg, i, ct).ConfigureAwait(false));
                }
                catch (Core.Errors.GanetiException)
                {
                    return (i.Name, (JsonNode?)null);
                }
            })).ConfigureAwait(false);
            foreach (var (name, console) in answers) consoles[name] = console;
        }
        return instances.Select(inst => (Func<string, QueryCell>)(f => f == "console"
            ? consoles.TryGetValue(inst.Name, out var c) && c is not null ? QueryCell.Of(c) : QueryCell.Unavailable
            : Field(cfg, inst, live, f))).ToList();
    }

    private static QueryCell Field(ConfigData cfg, Instance inst,
        Dictionary<string, (int Status, Dictionary<string, HvInstanceInfo> Infos)> live, string f)
    {
        var nics = inst.Nics;
        var disks = cfg.InstanceDisks(inst);
        Dictionary<string, System.Text.Json.JsonElement>? hv = null, be = null;
        var pnode = cfg.Nodes.GetValueOrDefault(inst.PrimaryNode);
        switch (f)
        {
            case "name": return Cells.V(inst.Name);
            case "uuid": return Cells.V(inst.Uuid);
            case "os": return Cells.V(inst.Os);
            case "pnode": return Cells.V(pnode?.Name);
            case "pnode.group": return Cells.V(pnode is null ? null : cfg.Nodegroups.GetValueOrDefault(pnode.Group)?.Name);
            case "pnode.group.uuid": return Cells.V(pnode?.Group);
            case "snodes": return Cells.List(cfg.SecondaryNodes(inst).Select(u => cfg.Nodes[u].Name));
            case "snodes.group": return Cells.List(cfg.SecondaryNodes(inst).Select(u => cfg.Nodegroups.GetValueOrDefault(cfg.Nodes[u].Group)?.Name));
            case "snodes.group.uuid": return Cells.List(cfg.SecondaryNodes(inst).Select(u => cfg.Nodes[u].Group));
            case "admin_state": return Cells.V(inst.AdminState);
            case "admin_up": return Cells.V(inst.AdminState == AdminStates.Up);
            case "admin_state_source": return Cells.V(inst.AdminStateSource);
            case "disks_active": return Cells.V(inst.DisksActive);
            case "tags": return Cells.V(inst.Tags);
            case "forthcoming": return Cells.V(false);
            case "disk_template": return Cells.V(inst.DiskTemplate);
            case "hypervisor": return Cells.V(inst.Hypervisor);
            case "network_port": return Cells.V(inst.NetworkPort);
            case "serial_no": return Cells.V(inst.SerialNo);
            case "ctime": return Cells.V(inst.Ctime);
            case "mtime": return Cells.V(inst.Mtime);
            case "hvparams": return Cells.V(InstanceSpecs.FilledHvParams(cfg, inst));
            case "beparams": return Cells.V(InstanceSpecs.FilledBeParams(cfg, inst));
            case "osparams": return Cells.V(InstanceSpecs.FilledOsParams(cfg, inst));
            case "custom_hvparams": return Cells.V(inst.Hvparams);
            case "custom_beparams": return Cells.V(inst.Beparams);
            case "custom_osparams": return Cells.V(inst.Osparams);
            case "custom_nicparams": return Cells.V(nics.Select(n => n.Nicparams).ToList());
            case "vcpus": return Be("vcpus");
            case "be/memory": return Be("maxmem");
            case "nic.count": return Cells.V(nics.Count);
            case "nic.macs": return Cells.List(nics.Select(n => n.Mac));
            case "nic.ips": return Cells.List(nics.Select(n => n.Ip));
            case "nic.names": return Cells.List(nics.Select(n => n.Name));
            case "nic.uuids": return Cells.List(nics.Select(n => n.Uuid));
            case "nic.modes": return Cells.List(nics.Select(n => InstanceSpecs.Nic(cfg, n).Mode));
            case "nic.links": return Cells.List(nics.Select(n => InstanceSpecs.Nic(cfg, n).Link));
            case "nic.vlans": return Cells.List(nics.Select(n => InstanceSpecs.Nic(cfg, n).Vlan));
            case "nic.bridges": return Cells.List(nics.Select(n => InstanceSpecs.Nic(cfg, n) is { Mode: "bridged" } s ? s.Link : null));
            case "nic.networks": return Cells.List(nics.Select(n => n.Network));
            case "nic.networks.names": return Cells.List(nics.Select(n => InstanceSpecs.Nic(cfg, n).NetworkName));
            case "ip": return NicField(0, "nic.ip");
            case "mac": return NicField(0, "nic.mac");
            case "bridge": return NicField(0, "nic.bridge");
            case "nic_mode": return NicField(0, "nic.mode");
            case "nic_link": return NicField(0, "nic.link");
            case "nic_network": return NicField(0, "nic.network");
            case "disk_usage": return Cells.V(disks.Sum(d => d.Size));
            case "disk.count": return Cells.V(disks.Count);
            case "disk.sizes": return Cells.V(disks.Select(d => d.Size).ToList());
            case "disk.spindles": return Cells.V(disks.Select(d => d.Spindles).ToList());
            case "disk.names": return Cells.List(disks.Select(d => d.Name));
            case "disk.uuids": return Cells.List(disks.Select(d => d.Uuid));
            case "sda_size": return DiskField(0, "disk.size");
            case "sdb_size": return DiskField(1, "disk.size");
            case "oper_state": return Live(i => Cells.V(i is not null));
            case "oper_ram": return Live(i => i is null ? QueryCell.Unavailable : Cells.V(i.MemoryMiB));
            case "oper_vcpus": return Live(i => i is null ? QueryCell.Unavailable : Cells.V(i.Vcpus));
            case "status": return Status();
        }
        if (Cells.TryParam(f, "hv", out var hvKey))
            return (hv ??= InstanceSpecs.FilledHvParams(cfg, inst)).TryGetValue(hvKey, out var hvv) ? Cells.V(hvv) : QueryCell.Unavailable;
        if (Cells.TryParam(f, "be", out var beKey))
            return Be(beKey);
        if (Cells.TryIndexed(f, out var prefix, out var idx))
        {
            if (prefix.StartsWith("nic.", StringComparison.Ordinal)) return NicField(idx, prefix);
            if (prefix.StartsWith("disk.", StringComparison.Ordinal)) return DiskField(idx, prefix);
        }
        return QueryCell.Unknown;

        QueryCell Be(string key) =>
            (be ??= InstanceSpecs.FilledBeParams(cfg, inst)).TryGetValue(key, out var v) ? Cells.V(v) : QueryCell.Unavailable;

        QueryCell NicField(int i, string prefix)
        {
            if (i >= nics.Count) return QueryCell.Unavailable;
            var s = InstanceSpecs.Nic(cfg, nics[i]);
            return prefix switch
            {
                "nic.ip" => Cells.V(s.Ip),
                "nic.mac" => Cells.V(s.Mac),
                "nic.name" => Cells.V(s.Name),
                "nic.uuid" => Cells.V(s.Uuid),
                "nic.mode" => Cells.V(s.Mode),
                "nic.link" => Cells.V(s.Link),
                "nic.bridge" => s.Mode == "bridged" ? Cells.V(s.Link) : QueryCell.Unavailable,
                "nic.vlan" => Cells.V(s.Vlan),
                "nic.network" => Cells.V(s.Network),
                "nic.network.name" => Cells.V(s.NetworkName),
                _ => QueryCell.Unknown,
            };
        }

        QueryCell DiskField(int i, string prefix)
        {
            if (i >= disks.Count) return QueryCell.Unavailable;
            return prefix switch
            {
                "disk.size" => Cells.V(disks[i].Size),
                "disk.spindles" => Cells.V(disks[i].Spindles),
                "disk.name" => Cells.V(disks[i].Name),
                "disk.uuid" => Cells.V(disks[i].Uuid),
                _ => QueryCell.Unknown,
            };
        }

        QueryCell Live(Func<HvInstanceInfo?, QueryCell> pick)
        {
            if (!live.TryGetValue(inst.PrimaryNode, out var l)) return QueryCell.NoData;
            if (l.Status != ResultStatus.Normal) return new QueryCell(l.Status, null);
            var info = l.Infos.GetValueOrDefault(inst.Name);
            if (info?.State == HvState.Shutdown) info = null;
            return pick(info);
        }

        QueryCell Status()
        {
            if (pnode is { Offline: true }) return Cells.V("ERROR_nodeoffline");
            if (!live.TryGetValue(inst.PrimaryNode, out var l) || l.Status != ResultStatus.Normal)
                return Cells.V("ERROR_nodedown");
            var info = l.Infos.GetValueOrDefault(inst.Name);
            if (info is not null && info.State != HvState.Shutdown)
                return Cells.V(inst.AdminState == AdminStates.Up ? "running" : "ERROR_up");
            if (info?.State == HvState.Shutdown && inst.AdminState == AdminStates.Up)
                return Cells.V("USER_down");
            foreach (var (uuid, other) in live)
                if (uuid != inst.PrimaryNode && other.Infos.ContainsKey(inst.Name))
                    return Cells.V("ERROR_wrongnode");
            return Cells.V(inst.AdminState switch
            {
                AdminStates.Up => "ERROR_down",
                AdminStates.Offline => "ADMIN_offline",
                _ => "ADMIN_down",
            });
        }
    }
}
