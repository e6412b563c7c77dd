using System.Text.Json.Nodes;
using Ganeti.HTools.Model;

namespace Ganeti.HTools.Allocation;

/// <summary>An IAllocator request as Ganeti sends it: the cluster description plus the request object.</summary>
public sealed record IAllocatorInput(ClusterData Cluster, JsonObject Request)
{
    public string Type => (string?)Request["type"] ?? "";

    public static IAllocatorInput Parse(string json)
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new FormatException("Parsing input IAllocator message: not an object");
        var cd = new ClusterData();
        var groups = root["nodegroups"]?.AsObject() ?? throw new FormatException("invalid iallocator message: no nodegroups");
        var guuid = new Dictionary<string, int>();
        foreach (var (uuid, gv) in groups)
        {
            var g = gv!.AsObject();
            var grp = new Group
            {
                Name = (string)g["name"]!, Uuid = uuid, Index = cd.Groups.Count,
                AllocPolicy = AllocPolicies.FromRaw((string?)g["alloc_policy"] ?? "preferred"),
                Networks = g["networks"]?.AsArray().Select(x => (string)x!).ToList() ?? new(),
                Tags = g["tags"]?.AsArray().Select(x => (string)x!).ToList() ?? new(),
                Policy = g["ipolicy"] is JsonObject ip ? ParsePolicy(ip) : IPolicy.Default,
            };
            guuid[uuid] = grp.Index;
            cd.Groups.Add(grp);
        }
        var nodeIdx = new Dictionary<string, int>();
        foreach (var (name, nv) in root["nodes"]?.AsObject() ?? throw new FormatException("invalid iallocator message: no nodes"))
        {
            var n = nv!.AsObject();
            bool offline = (bool?)n["offline"] ?? false, drained = (bool?)n["drained"] ?? false;
            bool vmCapable = (bool?)n["vm_capable"] ?? true;
            bool live = !offline && vmCapable;
            var nd = n["ndparams"] as JsonObject;
            bool excl = (bool?)nd?["exclusive_storage"] ?? false;
            string gu = (string?)n["group"] ?? throw new FormatException($"invalid data for node '{name}': no group");
            if (!guuid.TryGetValue(gu, out var gidx)) throw new FormatException($"Unknown group '{gu}' for node {name}");
            int I(string k) => live ? (int)((double?)n[k] ?? 0) : 0;
            double D(string k) => live ? (double?)n[k] ?? 0 : 0;
            int spTotal = excl ? I("total_spindles") : (int)((double?)nd?["spindle_count"] ?? 1);
            var node = NodeFactory.Create(name, D("total_memory"), I("reserved_memory"), I("free_memory"), D("total_disk"),
                I("free_disk"), D("total_cpus"), I("reserved_cpus"), !live || drained, spTotal, I("free_spindles"), gidx, excl);
            node.Tags = n["tags"]?.AsArray().Select(x => (string)x!).ToList() ?? new();
            node.Index = cd.Nodes.Count;
            nodeIdx[name] = node.Index;
            cd.Nodes.Add(node);
        }
        foreach (var (name, iv) in root["instances"]?.AsObject() ?? new JsonObject())
        {
            var inst = ParseBaseInstance(name, iv!.AsObject());
            var nodes = iv["nodes"]?.AsArray().Select(x => (string)x!).ToList() ?? new();
            if (nodes.Count == 0) throw new FormatException($"empty node list for instance {name}");
            inst.PNode = nodeIdx.TryGetValue(nodes[0], out var p) ? p : throw new FormatException($"Unknown node '{nodes[0]}' for instance {name}");
            inst.SNode = nodes.Count > 1 ? (nodeIdx.TryGetValue(nodes[1], out var s) ? s : throw new FormatException($"Unknown node '{nodes[1]}' for instance {name}")) : Instance.NoNode;
            inst.Index = cd.Instances.Count;
            cd.Instances.Add(inst);
        }
        cd.Tags.AddRange(root["cluster_tags"]?.AsArray().Select(x => (string)x!) ?? Enumerable.Empty<string>());
        var req = root["request"]?.AsObject() ?? throw new FormatException("invalid iallocator message: no request");
        return new IAllocatorInput(cd, req);
    }

    public static Instance ParseBaseInstance(string name, JsonObject a)
    {
        // Normalise objects built in memory (typed values) to parsed JSON numbers.
        a = JsonNode.Parse(a.ToJsonString())!.AsObject();
        var disks = a["disks"]?.AsArray().Select(d => new Disk((int)(double)d!["size"]!, (int?)(double?)d["spindles"])).ToList() ?? new();
        var dt = DiskTemplates.FromRaw((string?)a["disk_template"] ?? "drbd");
        var state = (string?)a["admin_state"] ?? "up";
        return new Instance
        {
            Name = name, Alias = name, Mem = (int)(double)a["memory"]!, Dsk = (int)((double?)a["disk_space_total"] ?? disks.Sum(d => d.Size)),
            Disks = disks, Vcpus = (int)(double)a["vcpus"]!, Tags = a["tags"]?.AsArray().Select(x => (string)x!).ToList() ?? new(),
            DiskTemplate = dt, SpindleUse = (int)((double?)a["spindle_use"] ?? 1), NicCount = a["nics"]?.AsArray().Count ?? 0,
            Status = state switch { "down" => InstanceStatus.AdminDown, "offline" => InstanceStatus.AdminOffline, _ => InstanceStatus.Running },
            Forthcoming = (bool?)a["forthcoming"] ?? false, AutoBalance = true, Movable = DiskTemplates.SupportsMoves(dt),
        };
    }

    private static ISpec ParseSpec(JsonObject o) => new(
        (int)(double)o["memory-size"]!, (int)(double)o["cpu-count"]!, (int)(double)o["disk-size"]!,
        (int)(double)o["disk-count"]!, (int)(double)o["nic-count"]!, (int)(double)o["spindle-use"]!);

    public static IPolicy ParsePolicy(JsonObject o) => new(
        o["minmax"]?.AsArray().Select(m => new MinMaxISpecs(ParseSpec(m!["min"]!.AsObject()), ParseSpec(m["max"]!.AsObject()))).ToList()
            ?? IPolicy.Default.MinMax.ToList(),
        o["std"] is JsonObject std ? ParseSpec(std) : ISpec.DefaultStd,
        o["disk-templates"]?.AsArray().Select(x => DiskTemplates.FromRaw((string)x!)).ToList() ?? DiskTemplates.All.ToList(),
        (double?)o["vcpu-ratio"] ?? 4.0, (double?)o["spindle-ratio"] ?? 32.0);

    private static JsonObject SpecJson(ISpec s) => new()
    {
        ["memory-size"] = s.MemorySize, ["cpu-count"] = s.CpuCount, ["disk-size"] = s.DiskSize,
        ["disk-count"] = s.DiskCount, ["nic-count"] = s.NicCount, ["spindle-use"] = s.SpindleUse,
    };

    public static JsonObject PolicyJson(IPolicy p) => new()
    {
        ["minmax"] = new JsonArray(p.MinMax.Select(m => (JsonNode)new JsonObject { ["min"] = SpecJson(m.Min), ["max"] = SpecJson(m.Max) }).ToArray()),
        ["std"] = SpecJson(p.Std),
        ["disk-templates"] = new JsonArray(p.DiskTemplates.Select(d => (JsonNode)JsonValue.Create(DiskTemplates.ToRaw(d))!).ToArray()),
        ["vcpu-ratio"] = p.VcpuRatio, ["spindle-ratio"] = p.SpindleRatio,
    };

    /// <summary>Builds the IAllocator input Ganeti would send for a (freshly parsed, unfinished) cluster.</summary>
    public static string Build(ClusterData cd, JsonObject request)
    {
        var groups = new JsonObject();
        foreach (var g in cd.Groups)
            groups[g.Uuid] = new JsonObject
            {
                ["name"] = g.Name, ["alloc_policy"] = AllocPolicies.ToRaw(g.AllocPolicy),
                ["networks"] = new JsonArray(g.Networks.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()),
                ["ipolicy"] = PolicyJson(g.Policy), ["tags"] = new JsonArray(g.Tags.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()),
            };
        var nodes = new JsonObject();
        foreach (var n in cd.Nodes)
        {
            var s = n.State;
            nodes[n.Name] = new JsonObject
            {
                ["total_memory"] = s.TMem, ["reserved_memory"] = s.NMem, ["free_memory"] = s.FMem,
                ["total_disk"] = s.TDsk, ["free_disk"] = s.FDsk, ["total_cpus"] = s.TCpu, ["reserved_cpus"] = s.NCpu,
                ["total_spindles"] = s.TSpindles, ["free_spindles"] = s.FSpindles,
                ["offline"] = s.Offline, ["drained"] = false, ["master_candidate"] = true, ["vm_capable"] = true,
                ["group"] = cd.Groups[n.Group].Uuid,
                ["ndparams"] = new JsonObject { ["exclusive_storage"] = s.ExclStorage, ["spindle_count"] = s.TSpindles },
                ["tags"] = new JsonArray(n.Tags.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()),
                ["primary_ip"] = "192.0.2.1", ["secondary_ip"] = "198.51.100.1",
            };
        }
        var insts = new JsonObject();
        foreach (var i in cd.Instances)
        {
            var nl = new JsonArray { cd.Nodes[i.PNode].Name };
            if (i.SNode >= 0) nl.Add(cd.Nodes[i.SNode].Name);
            insts[i.Name] = new JsonObject
            {
                ["admin_state"] = i.Status switch { InstanceStatus.AdminDown => "down", InstanceStatus.AdminOffline => "offline", _ => "up" },
                ["admin_state_source"] = "admin",
                ["disks"] = new JsonArray(i.Disks.Select(d => (JsonNode)new JsonObject { ["size"] = d.Size, ["mode"] = "rw", ["spindles"] = d.Spindles }).ToArray()),
                ["disk_template"] = DiskTemplates.ToRaw(i.DiskTemplate), ["disk_space_total"] = i.Dsk,
                ["memory"] = i.Mem, ["vcpus"] = i.Vcpus, ["spindle_use"] = i.SpindleUse,
                ["nics"] = new JsonArray(new JsonObject { ["ip"] = null, ["mac"] = "aa:00:00:00:00:01", ["bridge"] = null, ["mode"] = "bridged", ["link"] = "br0", ["network"] = null }),
                ["nodes"] = nl, ["os"] = "noop", ["hypervisor"] = "kvm",
                ["tags"] = new JsonArray(i.Tags.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()),
            };
        }
        var root = new JsonObject
        {
            ["version"] = 2, ["cluster_name"] = "cluster.example.com",
            ["cluster_tags"] = new JsonArray(cd.Tags.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray()),
            ["enabled_hypervisors"] = new JsonArray("kvm"), ["ipolicy"] = PolicyJson(cd.Policy),
            ["nodegroups"] = groups, ["nodes"] = nodes, ["instances"] = insts, ["request"] = request,
        };
        return root.ToJsonString();
    }
}
