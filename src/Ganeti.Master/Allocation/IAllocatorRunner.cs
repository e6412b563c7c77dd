using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Json;
using Ganeti.HTools.Allocation;
using Ganeti.Master.LogicalUnits;
using Ganeti.Master.LogicalUnits.Instance;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.Master.Allocation;

/// <summary>
/// Runs an instance allocator the way Ganeti does: builds the IAllocator input (protocol
/// version 2) from the configuration and the nodes' live facts, hands it to the allocator and
/// checks the answer. "hail" is our own htools allocator, called in-process; any other name is
/// an IAllocator plugin executable in the iallocators directory, given the input file's path.
/// </summary>
public static class IAllocatorRunner
{
    public const string Hail = "hail";

    public static IReadOnlyList<string> PluginDirectories(MasterContext master) =>
        [master.Paths.Under("usr/lib/ganeti/iallocators"), "/usr/lib/ganeti/iallocators", "/usr/local/lib/ganeti/iallocators"];

    /// <summary>Runs the request; returns the allocator's "result" or throws with its "info".</summary>
    public static async Task<JsonNode?> RunAsync(MasterContext master, ConfigData cfg, string name, JsonObject request, CancellationToken ct)
    {
        var input = await BuildInputAsync(master, cfg, request, ct).ConfigureAwait(false);
        string output;
        if (name == Hail)
            output = IAllocatorService.Process(input.ToJsonString());
        else
            output = await RunPluginAsync(master, name, input, ct).ConfigureAwait(false);
        JsonObject answer;
        try
        {
            answer = JsonNode.Parse(output) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            throw GanetiException.Exec($"Instance allocator {name} returned malformed output: {e.Message}");
        }
        if (answer["success"]?.GetValue<bool>() != true)
            throw GanetiException.Prereq($"Can't compute nodes using iallocator '{name}': {answer["info"]?.ToString() ?? "no reason given"}",
                ErrorCodes.InsufficientResources);
        return answer["result"];
    }

    private static async Task<string> RunPluginAsync(MasterContext master, string name, JsonObject input, CancellationToken ct)
    {
        if (name.Contains('/') || name is "." or "..")
            throw GanetiException.WrongInput($"Invalid iallocator name '{name}'");
        var path = PluginDirectories(master).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
            ?? throw GanetiException.Prereq($"Instance allocator '{name}' not found in {string.Join(", ", PluginDirectories(master))}", ErrorCodes.Environment);
        var file = Path.Combine(Path.GetTempPath(), $"ganeti-iallocator-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, input.ToJsonString(), ct).ConfigureAwait(false);
        try
        {
            var psi = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(file);
            using var p = Process.Start(psi) ?? throw GanetiException.Exec($"Cannot start instance allocator {path}");
            var stdout = p.StandardOutput.ReadToEndAsync(ct);
            var stderr = p.StandardError.ReadToEndAsync(ct);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(TimeSpan.FromMinutes(5));
            try { await p.WaitForExitAsync(cts.Token).ConfigureAwait(false); }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
                throw GanetiException.Exec($"Instance allocator {name} did not finish within 5 minutes");
            }
            if (p.ExitCode != 0)
                throw GanetiException.Exec($"Instance allocator {name} failed (exit code {p.ExitCode}): {(await stderr.ConfigureAwait(false)).Trim()}");
            return await stdout.ConfigureAwait(false);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The storage unit whose free space counts as a node's free disk for a template, as in Ganeti.</summary>
    private static object? StorageUnitOf(ConfigData cfg, string template) => template switch
    {
        "plain" or "drbd" when cfg.Cluster.VolumeGroupName.Length > 0 => new { type = "lvm-vg", key = cfg.Cluster.VolumeGroupName },
        "file" => new { type = "file", key = cfg.Cluster.FileStorageDir },
        "sharedfile" => new { type = "sharedfile", key = cfg.Cluster.SharedFileStorageDir },
        _ => null,
    };

    /// <summary>Ganeti's IAllocator input document for the current cluster state.</summary>
    public static async Task<JsonObject> BuildInputAsync(MasterContext master, ConfigData cfg, JsonObject request, CancellationToken ct)
    {
        var hvs = cfg.Cluster.EnabledHypervisors;
        var template = request["disk_template"]?.GetValue<string>() ?? cfg.Cluster.EnabledDiskTemplates.FirstOrDefault() ?? "diskless";
        var units = StorageUnitOf(cfg, template) is { } unit ? new[] { unit } : [];
        var live = await master.Rpc.CallManyAsync(cfg.Nodes.Values, NodeProcedures.NodeInfo, new { hypervisors = hvs, storage_units = units }, ct)
            .ConfigureAwait(false);
        var groups = new JsonObject();
        foreach (var g in cfg.Nodegroups.Values)
            groups[g.Uuid] = new JsonObject
            {
                ["name"] = g.Name,
                ["alloc_policy"] = g.AllocPolicy,
                ["networks"] = GanetiJson.ToNode(g.Networks.Keys.ToList()),
                ["ipolicy"] = GanetiJson.ToNode(Params.Fill(cfg.Cluster.Ipolicy, g.Ipolicy)),
                ["tags"] = GanetiJson.ToNode(g.Tags),
            };
        var nodes = new JsonObject();
        foreach (var n in cfg.Nodes.Values)
        {
            var primaries = cfg.Instances.Values.Where(i => i.PrimaryNode == n.Uuid).ToList();
            long iPriMemory = primaries.Sum(i => Params.GetInt(InstanceSpecs.FilledBeParams(cfg, i), "maxmem") ?? 0);
            long iPriUpMemory = primaries.Where(i => i.AdminState == AdminStates.Up)
                .Sum(i => Params.GetInt(InstanceSpecs.FilledBeParams(cfg, i), "maxmem") ?? 0);
            var node = new JsonObject
            {
                ["primary_ip"] = n.PrimaryIp,
                ["secondary_ip"] = n.SecondaryIp,
                ["tags"] = GanetiJson.ToNode(n.Tags),
                ["master_candidate"] = n.MasterCandidate,
                ["master_capable"] = n.MasterCapable,
                ["vm_capable"] = n.VmCapable,
                ["drained"] = n.Drained,
                ["offline"] = n.Offline || !(live.GetValueOrDefault(n.Uuid)?.Ok ?? false),
                ["group"] = n.Group,
                ["ndparams"] = GanetiJson.ToNode(Params.Fill(cfg.Cluster.Ndparams, cfg.Nodegroups.GetValueOrDefault(n.Group)?.Ndparams, n.Ndparams)),
                ["i_pri_memory"] = iPriMemory,
                ["i_pri_up_memory"] = iPriUpMemory,
            };
            if (live.GetValueOrDefault(n.Uuid) is { Ok: true, Payload: { } payload } &&
                payload.Deserialize<NodeInfoResult>(GanetiJson.Options) is { } info)
            {
                var hv = info.Hypervisors.Values.FirstOrDefault();
                node["total_memory"] = hv?.MemoryTotal ?? 0;
                node["reserved_memory"] = hv?.MemoryDom0 ?? 0;
                node["free_memory"] = hv?.MemoryFree ?? 0;
                node["total_cpus"] = hv?.CpuTotal ?? 0;
                node["reserved_cpus"] = 0;
                node["total_disk"] = info.StorageTotal ?? 0;
                node["free_disk"] = info.StorageFree ?? 0;
                node["total_spindles"] = 0;
                node["free_spindles"] = 0;
            }
            nodes[n.Name] = node;
        }
        var instances = new JsonObject();
        foreach (var i in cfg.Instances.Values)
        {
            instances[i.Name] = InstanceJson(cfg, i);
        }
        return new JsonObject
        {
            ["version"] = 2,
            ["cluster_name"] = cfg.Cluster.ClusterName,
            ["cluster_tags"] = GanetiJson.ToNode(cfg.Cluster.Tags),
            ["enabled_hypervisors"] = GanetiJson.ToNode(hvs),
            ["ipolicy"] = GanetiJson.ToNode(cfg.Cluster.Ipolicy),
            ["nodegroups"] = groups,
            ["nodes"] = nodes,
            ["instances"] = instances,
            ["request"] = request.DeepClone(),
        };
    }

    /// <summary>An instance as the IAllocator protocol describes it (also what policy checks read).</summary>
    public static JsonObject InstanceJson(ConfigData cfg, Core.Config.Instance i)
    {
            var be = InstanceSpecs.FilledBeParams(cfg, i);
            var disks = cfg.InstanceDisks(i);
            return new JsonObject
            {
                ["admin_state"] = i.AdminState,
                ["admin_state_source"] = i.AdminStateSource,
                ["disks"] = new JsonArray(disks.Select(d => (JsonNode?)new JsonObject { ["size"] = d.Size, ["mode"] = d.Mode, ["spindles"] = d.Spindles }).ToArray()),
                ["disk_template"] = i.DiskTemplate,
                ["disk_space_total"] = disks.Sum(d => d.Size),
                ["memory"] = Params.GetInt(be, "maxmem") ?? 0,
                ["vcpus"] = Params.GetInt(be, "vcpus") ?? 1,
                ["spindle_use"] = Params.GetInt(be, "spindle_use") ?? 1,
                ["nics"] = new JsonArray(i.Nics.Select(x => (JsonNode?)new JsonObject { ["ip"] = x.Ip, ["mac"] = x.Mac, ["bridge"] = InstanceSpecs.Nic(cfg, x).Link }).ToArray()),
                ["nodes"] = new JsonArray(cfg.InstanceNodes(i).Select(u => (JsonNode?)cfg.Nodes[u].Name).ToArray()),
                ["os"] = i.Os,
                ["tags"] = GanetiJson.ToNode(i.Tags),
                ["hypervisor"] = i.Hypervisor,
            };
        }
}
