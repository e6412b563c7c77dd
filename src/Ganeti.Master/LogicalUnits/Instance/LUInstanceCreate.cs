using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// gnt-instance add: checks everything first, then creates the disks, records the instance,
/// installs the OS with the definition's create script and starts it. A failure after the
/// first disk exists removes what was made, so a failed create leaves nothing behind.
/// </summary>
public sealed class LUInstanceCreate : LogicalUnit<OpInstanceCreate>
{
    private static readonly HashSet<string> BeParamKeys =
        ["maxmem", "minmem", "vcpus", "auto_balance", "always_failover", "spindle_use", "memory"];

    private static readonly HashSet<string> DiskKeys =
        ["size", "mode", "name", "vg", "metavg", "spindles", "adopt", "provider", "access", "uuid"];

    private static readonly HashSet<string> NicKeys = ["mac", "ip", "mode", "link", "vlan", "network", "name", "bridge"];

    private string name = "";
    private string pnodeUuid = "";
    private string? snodeUuid;
    private string hypervisor = "";
    private string diskTemplate = "";
    private Dictionary<string, JsonElement> beparams = [];

    private string? exportName;
    private string srcNodeUuid = "";
    private string osType = "";

    private bool NoInstall => Op.NoInstall ?? false;

    private bool IsImport => Op.Mode == "import";

    public override string? HooksPath => "instance-add";

    public override string HooksObjectType => "INSTANCE";

    public override IReadOnlyDictionary<string, string> HooksEnv()
    {
        string Name(string? uuid) => uuid is null ? "" : Cfg.Nodes.GetValueOrDefault(uuid)?.Name ?? uuid;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["INSTANCE_NAME"] = name,
            ["INSTANCE_PRIMARY"] = Name(pnodeUuid),
            ["INSTANCE_SECONDARIES"] = Name(snodeUuid),
            ["INSTANCE_OS_TYPE"] = osType,
            ["INSTANCE_STATUS"] = Op.Start ? "up" : "down",
            ["INSTANCE_DISK_TEMPLATE"] = diskTemplate,
            ["INSTANCE_HYPERVISOR"] = hypervisor,
            ["INSTANCE_ADD_MODE"] = Op.Mode,
            ["INSTANCE_DISK_COUNT"] = Op.Disks.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["INSTANCE_NIC_COUNT"] = Op.Nics.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        for (var i = 0; i < Op.Disks.Count; i++)
            env[$"INSTANCE_DISK{i}_SIZE"] = Params.GetString(Op.Disks[i], "size") ?? "";
        if (IsImport)
        {
            env["INSTANCE_SRC_NODE"] = Op.SrcNode ?? "";
            env["INSTANCE_SRC_PATH"] = Op.SrcPath ?? "";
        }
        return env;
    }

    public override (IReadOnlyList<string> Pre, IReadOnlyList<string> Post) HooksNodes()
    {
        var nodes = new List<string> { Cfg.Cluster.MasterNode, pnodeUuid };
        if (snodeUuid is not null) nodes.Add(snodeUuid);
        return (nodes, nodes);
    }

    public override void CheckArguments()
    {
        name = InstanceOps.CheckName(Op.InstanceName, "instance");
        if (Op.Mode is not ("create" or "import"))
            throw GanetiException.Prereq($"Instance creation mode '{Op.Mode}' is not supported yet; use 'create' or 'import'", ErrorCodes.WrongInput);
        if (IsImport)
        {
            if (string.IsNullOrEmpty(Op.SrcNode) || string.IsNullOrEmpty(Op.SrcPath))
                throw GanetiException.WrongInput("Import needs the source node (src_node) and the export (src_path)");
            exportName = Path.GetFileName(Op.SrcPath.TrimEnd('/'));
            if (exportName.Length == 0 || exportName is "." or "..")
                throw GanetiException.WrongInput($"Invalid export path '{Op.SrcPath}'");
        }
        else if (!NoInstall && string.IsNullOrEmpty(Op.OsType))
            throw GanetiException.WrongInput("No operating system given (parameter 'os_type'); use no_install to create without one");
        foreach (var (i, d) in Op.Disks.Select((d, i) => (i, d)))
        {
            // ExtStorage providers take their own parameters (their parameters.list) per disk.
            var unknown = d.Keys.Where(k => !DiskKeys.Contains(k)).ToList();
            if (unknown.Count > 0 && Op.DiskTemplate != "ext")
                throw GanetiException.WrongInput($"Unknown key(s) in disk/{i}: {string.Join(", ", unknown)}");
            if (!d.ContainsKey("size") && !d.ContainsKey("adopt"))
                throw GanetiException.WrongInput($"Missing disk size for disk/{i}");
            if (d.TryGetValue("size", out var s) && !(SizeOf(s) is > 0))
                throw GanetiException.WrongInput($"Invalid disk size for disk/{i}: {s}");
            if (d.TryGetValue("mode", out var m) && m.GetString() is not ("rw" or "ro"))
                throw GanetiException.WrongInput($"Invalid disk access mode for disk/{i}: {m} (use rw or ro)");
        }
        foreach (var (i, n) in Op.Nics.Select((n, i) => (i, n)))
        {
            var unknown = n.Keys.Where(k => !NicKeys.Contains(k)).ToList();
            if (unknown.Count > 0)
                throw GanetiException.WrongInput($"Unknown key(s) in nic/{i}: {string.Join(", ", unknown)}");
        }
        var badBe = Op.Beparams.Keys.Where(k => !BeParamKeys.Contains(k)).ToList();
        if (badBe.Count > 0)
            throw GanetiException.WrongInput($"Unknown backend parameter(s): {string.Join(", ", badBe)}");
    }

    private static long? SizeOf(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : (long)e.GetDouble(),
        JsonValueKind.String => long.TryParse(e.GetString(), out var s) ? s : null,
        _ => null,
    };

    public override LockRequest? LocksAt(LockLevel level)
    {
        switch (level)
        {
            case LockLevel.Instance:
                return LockRequest.Of(level, [name]);
            case LockLevel.Node or LockLevel.NodeRes:
                var nodes = new List<string>();
                if (Op.Pnode is not null) nodes.Add(ResolveNode(Op.Pnode).Uuid);
                if (Op.Snode is not null) nodes.Add(ResolveNode(Op.Snode).Uuid);
                if (IsImport && Op.SrcNode is not null && nodes.Count > 0) nodes.Add(ResolveNode(Op.SrcNode).Uuid);
                return nodes.Count > 0 ? LockRequest.Of(level, nodes) : LockRequest.AllOf(level);
            default:
                return null;
        }
    }

    private Node ResolveNode(string nameOrUuid) =>
        Cfg.FindNode(nameOrUuid) ?? throw GanetiException.NotFound("Node", nameOrUuid);

    public override async Task CheckPrereqAsync(CancellationToken ct)
    {
        var cluster = Cfg.Cluster;
        if (Cfg.FindInstance(name) is not null)
            throw GanetiException.Exists($"Instance '{name}' is already in the cluster");

        // Template.
        diskTemplate = Op.DiskTemplate ?? (Op.Disks.Count == 0 ? "diskless" : cluster.EnabledDiskTemplates.FirstOrDefault() ?? "diskless");
        if (!cluster.EnabledDiskTemplates.Contains(diskTemplate))
            throw GanetiException.Prereq(
                $"Disk template '{diskTemplate}' is not enabled in the cluster (enabled: {string.Join(", ", cluster.EnabledDiskTemplates)})",
                ErrorCodes.WrongState);
        if (diskTemplate == "diskless" && Op.Disks.Count > 0)
            throw GanetiException.WrongInput("Diskless instances cannot have disks");
        if (diskTemplate != "diskless" && Op.Disks.Count == 0)
            throw GanetiException.WrongInput($"Disk template '{diskTemplate}' needs at least one disk");
        if (diskTemplate != "drbd" && Op.Snode is not null)
            throw GanetiException.WrongInput($"A secondary node (snode) only makes sense for the drbd template, not '{diskTemplate}'");
        if (diskTemplate == "blockdev" && Op.Disks.Any(d => !d.ContainsKey("adopt")))
            throw GanetiException.WrongInput("Disk template 'blockdev' requires every disk to adopt an existing device");

        // Hypervisor and its parameters.
        hypervisor = Op.Hypervisor ?? cluster.EnabledHypervisors.FirstOrDefault()
            ?? throw GanetiException.Prereq("No hypervisor is enabled in the cluster", ErrorCodes.WrongState);
        if (!cluster.EnabledHypervisors.Contains(hypervisor))
            throw GanetiException.Prereq(
                $"Hypervisor '{hypervisor}' is not enabled in the cluster (enabled: {string.Join(", ", cluster.EnabledHypervisors)})",
                ErrorCodes.WrongState);

        // Backend parameters: 'memory' sets both maxmem and minmem, as in Ganeti.
        beparams = new Dictionary<string, JsonElement>(Op.Beparams);
        if (beparams.Remove("memory", out var mem))
        {
            beparams.TryAdd("maxmem", mem);
            beparams.TryAdd("minmem", mem);
        }
        foreach (var key in new[] { "maxmem", "minmem", "vcpus", "spindle_use" })
            if (beparams.TryGetValue(key, out var v) && !(SizeOf(v) is >= 0))
                throw GanetiException.WrongInput($"Backend parameter {key} must be a non-negative integer, got {v}");
        var filledBe = InstanceSpecs.FilledBeParams(Cfg, beparams);
        if (Params.GetInt(filledBe, "minmem") > Params.GetInt(filledBe, "maxmem"))
            throw GanetiException.WrongInput("Backend parameter minmem is larger than maxmem");

        // Primary node.
        Node pnode;
        Node? snode = Op.Snode is null ? null : ResolveNode(Op.Snode);
        if (Op.Pnode is not null)
            pnode = ResolveNode(Op.Pnode);
        else if ((Op.Iallocator ?? cluster.DefaultIallocator) is { Length: > 0 } allocator)
        {
            var chosen = await AllocateAsync(allocator, filledBe, ct).ConfigureAwait(false);
            pnode = chosen[0];
            if (diskTemplate == "drbd" && snode is null)
                snode = chosen.Count > 1 ? chosen[1] : throw GanetiException.Exec($"Instance allocator {allocator} chose no secondary node");
        }
        else
        {
            var candidates = Cfg.Nodes.Values.Where(n => n.VmCapable && !n.Offline && !n.Drained).ToList();
            if (candidates.Count != 1)
                throw GanetiException.WrongInput("No primary node (pnode) and no iallocator given");
            pnode = candidates[0];
        }
        if (pnode.Offline) throw GanetiException.Prereq($"Cannot use offline primary node {pnode.Name}", ErrorCodes.WrongState);
        if (pnode.Drained) throw GanetiException.Prereq($"Cannot use drained primary node {pnode.Name}", ErrorCodes.WrongState);
        if (!pnode.VmCapable) throw GanetiException.Prereq($"Node {pnode.Name} is not vm_capable", ErrorCodes.WrongState);
        pnodeUuid = pnode.Uuid;
        if (diskTemplate == "drbd")
        {
            if (snode is null)
                throw GanetiException.WrongInput("The drbd template needs a secondary node (snode) or an iallocator");
            if (snode.Uuid == pnode.Uuid)
                throw GanetiException.WrongInput("The secondary node cannot be the primary node");
            if (snode.Offline) throw GanetiException.Prereq($"Cannot use offline secondary node {snode.Name}", ErrorCodes.WrongState);
            if (snode.Drained) throw GanetiException.Prereq($"Cannot use drained secondary node {snode.Name}", ErrorCodes.WrongState);
            if (!snode.VmCapable) throw GanetiException.Prereq($"Node {snode.Name} is not vm_capable", ErrorCodes.WrongState);
            if (Op.Disks.Any(d => d.ContainsKey("adopt")))
                throw GanetiException.WrongInput("The drbd template cannot adopt existing volumes");
            snodeUuid = snode.Uuid;
        }

        // Name resolution, when asked for.
        if (Op.NameCheck && await Master.ResolveHost(name, ct).ConfigureAwait(false) is null)
            throw GanetiException.Prereq($"Host name '{name}' does not resolve (use name_check=false to skip this check)", ErrorCodes.Resolver);

        // NICs: MACs must be valid and unused; networks must exist.
        var used = UsedMacs();
        foreach (var (i, nic) in Op.Nics.Select((n, i) => (i, n)))
        {
            var mac = Params.GetString(nic, "mac") ?? "auto";
            if (mac is not ("auto" or "generate"))
            {
                if (!IsMac(mac)) throw GanetiException.WrongInput($"Invalid MAC address '{mac}' for nic/{i}");
                if (used.Contains(mac.ToLowerInvariant()))
                    throw GanetiException.Prereq($"MAC address {mac} of nic/{i} is already in use", ErrorCodes.NotUnique);
                used.Add(mac.ToLowerInvariant());
            }
            if (Params.GetString(nic, "network") is { } net && Cfg.FindNetwork(net) is null)
                throw GanetiException.NotFound("Network", net);
            if (Params.GetString(nic, "mode") is { } mode && mode is not ("bridged" or "routed" or "openvswitch"))
                throw GanetiException.WrongInput($"Invalid NIC mode '{mode}' for nic/{i}");
        }

        osType = Op.OsType ?? "";
        if (IsImport)
        {
            var src = ResolveNode(Op.SrcNode!);
            if (src.Offline)
                throw GanetiException.Prereq($"Cannot import from offline node {src.Name}", ErrorCodes.WrongState);
            srcNodeUuid = src.Uuid;
            InstanceDataTransfer.CheckCompression(Op.Compress);
            var info = await Master.Rpc.CallAsync(src, NodeProcedures.ExportInfo, new { name = exportName }, ct).ConfigureAwait(false);
            if (string.IsNullOrEmpty(osType)) osType = info?["export"]?["os"]?.GetValue<string>() ?? "";
            var exported = info?["instance"]?["disk_count"]?.GetValue<string>();
            if (exported is not null && int.Parse(exported, System.Globalization.CultureInfo.InvariantCulture) > Op.Disks.Count)
                throw GanetiException.WrongInput($"The export has {exported} disks but only {Op.Disks.Count} were given");
        }

        // Checks the primary node must answer: hypervisor parameters and the OS definition.
        var hvparams = InstanceSpecs.FilledHvParams(Cfg, hypervisor, osType, Op.Hvparams);
        await Master.Rpc.CallAsync(pnode, NodeProcedures.HypervisorValidateParams,
            new { hypervisor, hvparams }, ct).ConfigureAwait(false);
        if (!NoInstall && osType.Length > 0)
        {
            var os = await Master.Rpc.CallAsync<OsInfo>(pnode, NodeProcedures.OsGet, new { name = osType }, ct).ConfigureAwait(false);
            var variant = osType.Contains('+') ? osType[(osType.IndexOf('+') + 1)..] : null;
            if (os.Variants.Count > 0 && !Op.ForceVariant)
            {
                if (variant is null)
                    throw GanetiException.WrongInput($"OS '{osType}' needs a variant (one of: {string.Join(", ", os.Variants)})");
                if (!os.Variants.Contains(variant))
                    throw GanetiException.WrongInput($"OS '{InstanceSpecs.BaseOsName(osType)}' has no variant '{variant}' (variants: {string.Join(", ", os.Variants)})");
            }
        }
        if (Op.Start)
        {
            var needed = Params.GetInt(filledBe, "maxmem") ?? 128;
            var info = await Master.Rpc.CallAsync<NodeInfoResult>(pnode, NodeProcedures.NodeInfo,
                new { hypervisors = new[] { hypervisor } }, ct).ConfigureAwait(false);
            if (info.Hypervisors.TryGetValue(hypervisor, out var hv) && hv.MemoryFree < needed)
                throw GanetiException.Prereq(
                    $"Not enough memory on node {pnode.Name} to start the instance: needed {needed} MiB, available {hv.MemoryFree} MiB",
                    ErrorCodes.InsufficientResources);
        }
    }

    /// <summary>Asks the instance allocator for a primary node (gnt-instance add -I).</summary>
    private async Task<IReadOnlyList<Node>> AllocateAsync(string allocator, Dictionary<string, JsonElement> be, CancellationToken ct)
    {
        var disks = Op.Disks.Select(d => new JsonObject
        {
            ["size"] = d.TryGetValue("size", out var s) ? SizeOf(s) ?? 0 : 0,
            ["mode"] = Params.GetString(d, "mode") ?? "rw",
            ["spindles"] = d.TryGetValue("spindles", out var sp) && sp.TryGetInt32(out var spi) ? spi : null,
        }).ToList();
        var request = new JsonObject
        {
            ["type"] = "allocate",
            ["name"] = name,
            ["required_nodes"] = diskTemplate == "drbd" ? 2 : 1,
            ["disk_template"] = diskTemplate,
            ["disks"] = new JsonArray(disks.Select(d => (JsonNode?)d).ToArray()),
            ["disk_space_total"] = disks.Sum(d => d["size"]!.GetValue<long>()),
            ["nics"] = new JsonArray(Op.Nics.Select(n => (JsonNode?)new JsonObject
            {
                ["mac"] = Params.GetString(n, "mac") ?? "auto",
                ["ip"] = Params.GetString(n, "ip"),
                ["bridge"] = Params.GetString(n, "link"),
            }).ToArray()),
            ["vcpus"] = Params.GetInt(be, "vcpus") ?? 1,
            ["memory"] = Params.GetInt(be, "maxmem") ?? 128,
            ["spindle_use"] = Params.GetInt(be, "spindle_use") ?? 1,
            ["os"] = Op.OsType ?? "",
            ["tags"] = new JsonArray(Op.Tags.Select(t => (JsonNode?)t).ToArray()),
            ["hypervisor"] = hypervisor,
        };
        var result = await Allocation.IAllocatorRunner.RunAsync(Master, Cfg, allocator, request, ct).ConfigureAwait(false);
        var chosen = (result as JsonArray)?.Select(n => n?.GetValue<string>()).OfType<string>().ToList() ?? [];
        if (chosen.Count == 0)
            throw GanetiException.Exec($"Instance allocator {allocator} returned no node");
        Log($"Instance allocator {allocator} chose node{(chosen.Count > 1 ? "s" : "")} {string.Join(", ", chosen)}");
        return [.. chosen.Select(ResolveNode)];
    }

    private HashSet<string> UsedMacs() =>
        Cfg.Instances.Values.SelectMany(i => i.Nics).Select(n => n.Mac.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);

    private static bool IsMac(string mac) =>
        System.Text.RegularExpressions.Regex.IsMatch(mac, "^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$");

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var now = Config.ConfigStore.Now();
        var instanceUuid = Guid.NewGuid().ToString();

        // Reserve the instance in the configuration (admin state down until it is complete),
        // allocating its MACs and port under the single config writer so they stay unique.
        var (instance, disks) = await Master.Config.UpdateAsync(cfg =>
        {
            if (cfg.FindInstance(name) is not null)
                throw GanetiException.Exists($"Instance '{name}' is already in the cluster");
            var used = cfg.Instances.Values.SelectMany(i => i.Nics).Select(n => n.Mac.ToLowerInvariant()).ToHashSet();
            var inst = new Core.Config.Instance
            {
                Uuid = instanceUuid,
                Name = name,
                PrimaryNode = pnodeUuid,
                Os = osType,
                Hypervisor = hypervisor,
                Hvparams = new(Op.Hvparams),
                Beparams = beparams,
                Osparams = new(Op.Osparams),
                OsparamsPrivate = Op.OsparamsPrivate is null ? [] : new(Op.OsparamsPrivate),
                AdminState = AdminStates.Down,
                DiskTemplate = diskTemplate,
                Tags = [.. Op.Tags],
                Ctime = now,
                Mtime = now,
            };
            foreach (var nic in Op.Nics)
                inst.Nics.Add(MakeNic(cfg, nic, used));
            if (hypervisor is "kvm" or "xen-hvm")
                inst.NetworkPort = InstanceDiskLayout.AllocatePort(cfg);
            var made = new List<Disk>();
            foreach (var (i, d) in Op.Disks.Select((d, i) => (i, d)))
            {
                var disk = MakeDisk(cfg, instanceUuid, i, d, now);
                cfg.Disks[disk.Uuid] = disk;
                inst.Disks.Add(disk.Uuid);
                made.Add(disk);
            }
            cfg.Instances[inst.Uuid] = inst;
            return (inst, made);
        }, ct).ConfigureAwait(false);
        Log($"Added instance {name} to the configuration");

        var created = new List<(Disk Disk, int Index, string Node)>();
        try
        {
            var pnode = NodeByUuid(pnodeUuid);
            var current = Master.Config.Current;
            foreach (var (i, disk) in disks.Select((d, i) => (i, d)))
            {
                // The primary's side first: a failure on the secondary then removes it again.
                foreach (var nodeUuid in disk.Nodes)
                {
                    await Master.Rpc.CallAsync<AssembleResult>(NodeByUuid(nodeUuid), NodeProcedures.BlockdevCreate, new
                    {
                        disk = InstanceSpecs.Disk(current, disk, i, nodeUuid),
                        instance_name = name,
                        size_mib = disk.Size,
                        on_primary = nodeUuid == pnodeUuid,
                        wipe = Cfg.Cluster.PreallocWipeDisks,
                    }, ct).ConfigureAwait(false);
                    created.Add((disk, i, nodeUuid));
                }
                Log($"Created disk/{i} ({disk.Size} MiB, {disk.DevType}) on {string.Join(" and ", disk.Nodes.Select(n => NodeByUuid(n).Name))}");
            }

            var cfg = Master.Config.Current;
            var inst = cfg.Instances[instance.Uuid];
            if (NoInstall && diskTemplate == "drbd")
            {
                // The mirror is brought up once on both nodes, primary on the primary node.
                await InstanceOps.AssembleDisksAsync(Master, cfg, inst, Log, ct).ConfigureAwait(false);
                if (!Op.Start)
                    await InstanceOps.ShutdownDisksAsync(Master, cfg, inst, Log, ignoreFailures: true, ct).ConfigureAwait(false);
            }
            if (!NoInstall)
            {
                var assembled = await InstanceOps.AssembleDisksAsync(Master, cfg, inst, Log, ct).ConfigureAwait(false);
                try
                {
                    if (IsImport && srcNodeUuid != pnodeUuid)
                        await ImportFromAnotherNodeAsync(cfg, inst, InstanceSpecs.Build(cfg, inst, assembled), pnode, ct).ConfigureAwait(false);
                    else if (IsImport)
                    {
                        Log($"Importing the disks of export '{exportName}' on node {pnode.Name}");
                        await Master.Rpc.CallAsync(pnode, NodeProcedures.InstanceImportLocal, new
                        {
                            instance = InstanceSpecs.Build(cfg, inst, assembled),
                            export_name = exportName,
                            mode = string.IsNullOrEmpty(inst.Os) ? "raw" : "os",
                        }, ct).ConfigureAwait(false);
                    }
                    else
                    {
                        Log($"Running the OS create script of '{inst.Os}' on node {pnode.Name}");
                        await Master.Rpc.CallAsync(pnode, NodeProcedures.InstanceOsAdd, new
                        {
                            instance = InstanceSpecs.Build(cfg, inst, assembled),
                            reinstall = false,
                            debug = Op.DebugLevel,
                        }, ct).ConfigureAwait(false);
                    }
                }
                finally
                {
                    if (!Op.Start)
                        await InstanceOps.ShutdownDisksAsync(Master, cfg, inst, Log, ignoreFailures: true, ct).ConfigureAwait(false);
                }
            }
            if (Op.Start)
            {
                await Master.Config.UpdateAsync(c =>
                {
                    var i = c.Instances[instance.Uuid];
                    i.AdminState = AdminStates.Up;
                    i.AdminStateSource = "admin";
                    i.Touch(Config.ConfigStore.Now());
                }, ct).ConfigureAwait(false);
                cfg = Master.Config.Current;
                await InstanceOps.StartAsync(Master, cfg, cfg.Instances[instance.Uuid], paused: false, null, null, Log, ct)
                    .ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            Log($"Creation of {name} failed, removing what was made: {e.Message}");
            await RollbackAsync(instance.Uuid, created).ConfigureAwait(false);
            throw;
        }
        return new JsonArray(Cfg.Nodes[pnodeUuid].Name);
    }

    /// <summary>Streams each disk dump of the export on the source node onto the new disks on the primary.</summary>
    private async Task ImportFromAnotherNodeAsync(ConfigData cfg, Core.Config.Instance inst,
        Remoting.NodeRpc.Messages.InstanceSpec spec, Node pnode, CancellationToken ct)
    {
        var src = cfg.Nodes[srcNodeUuid];
        Log($"Importing the disks of export '{exportName}' from node {src.Name} to node {pnode.Name}");
        var specNode = JsonSerializer.SerializeToNode(spec, Core.Json.GanetiJson.Options)!;
        var mode = string.IsNullOrEmpty(inst.Os) ? "raw" : "os";
        var transfers = spec.Disks.Select((_, i) => new DiskTransfer($"disk/{i}",
            new JsonObject { ["instance"] = specNode.DeepClone(), ["disk_index"] = i, ["source"] = "export", ["export_name"] = exportName },
            new JsonObject { ["instance"] = specNode.DeepClone(), ["disk_index"] = i, ["mode"] = mode, ["destination"] = "disk" })).ToList();
        await InstanceDataTransfer.RunAsync(Master, src, pnode, transfers, Op.Compress, Log, ct).ConfigureAwait(false);
    }

    private async Task RollbackAsync(string instanceUuid, IReadOnlyList<(Disk Disk, int Index, string Node)> created)
    {
        var cfg = Master.Config.Current;
        foreach (var (disk, i, nodeUuid) in created.AsEnumerable().Reverse())
        {
            var node = NodeByUuid(nodeUuid);
            try
            {
                await Master.Rpc.CallAsync(node, NodeProcedures.BlockdevRemove,
                    new { disk = InstanceSpecs.Disk(cfg, disk, i, nodeUuid) }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                Log($"Warning: could not remove disk/{i} on {node.Name}: {e.Message}");
            }
        }
        await Master.Config.UpdateAsync(c =>
        {
            if (!c.Instances.Remove(instanceUuid, out var inst))
                return;
            foreach (var d in inst.Disks)
                if (c.Disks.Remove(d, out var disk) && disk.DevType == "drbd" && disk.LogicalId.Count == 6
                    && !c.Cluster.TcpudpPortPool.Contains(disk.LogicalId[2].GetInt32()))
                    c.Cluster.TcpudpPortPool.Add(disk.LogicalId[2].GetInt32());
            if (inst.NetworkPort is { } port && !c.Cluster.TcpudpPortPool.Contains(port))
                c.Cluster.TcpudpPortPool.Add(port);
        }, CancellationToken.None).ConfigureAwait(false);
    }

    private static Nic MakeNic(ConfigData cfg, Dictionary<string, JsonElement> spec, HashSet<string> used)
    {
        var mac = Params.GetString(spec, "mac") ?? "auto";
        if (mac is "auto" or "generate")
            mac = GenerateMac(cfg.Cluster.MacPrefix, used);
        used.Add(mac.ToLowerInvariant());
        var nicparams = Params.Empty();
        foreach (var key in new[] { "mode", "link", "vlan" })
            if (spec.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.String)
                nicparams[key] = v;
        if (spec.TryGetValue("bridge", out var bridge) && bridge.ValueKind == JsonValueKind.String)
        {
            nicparams.TryAdd("link", bridge);
            nicparams.TryAdd("mode", Params.Value("bridged"));
        }
        var network = Params.GetString(spec, "network") is { } net ? cfg.FindNetwork(net)?.Uuid : null;
        var ip = Params.GetString(spec, "ip");
        return new Nic
        {
            Uuid = Guid.NewGuid().ToString(),
            Name = Params.GetString(spec, "name"),
            Mac = mac.ToLowerInvariant(),
            Ip = ip is null or "none" or "" ? null : ip,
            Network = network,
            Nicparams = nicparams,
        };
    }

    private static string GenerateMac(string prefix, HashSet<string> used)
    {
        Span<byte> b = stackalloc byte[3];
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            RandomNumberGenerator.Fill(b);
            var mac = $"{prefix}:{b[0]:x2}:{b[1]:x2}:{b[2]:x2}".ToLowerInvariant();
            if (!used.Contains(mac)) return mac;
        }
        throw GanetiException.Prereq("Cannot generate a unique MAC address", ErrorCodes.TempInsufficientResources);
    }

    private Disk MakeDisk(ConfigData cfg, string instanceUuid, int index, Dictionary<string, JsonElement> spec, double now) =>
        InstanceDiskLayout.Make(cfg, new InstanceDiskLayout.Request(diskTemplate, pnodeUuid, snodeUuid,
            Op.FileDriver ?? "loop", Op.FileStorageDir ?? name), index, spec, now);

    /// <summary>Ganeti's DRBD_META_SIZE.</summary>
    public const long DrbdMetaSizeMiB = InstanceDiskLayout.DrbdMetaSizeMiB;

    /// <summary>The lowest DRBD minor no disk in the configuration uses on the node.</summary>
    public static int FreeMinor(ConfigData cfg, string nodeUuid) => InstanceDiskLayout.FreeMinor(cfg, nodeUuid);

}

/// <summary>An OS definition as os_get / os_diagnose report it.</summary>
public sealed record OsInfo
{
    public string Name { get; init; } = "";
    public string Path { get; init; } = "";
    public bool Status { get; init; }
    public string Diagnose { get; init; } = "";
    public List<string> Variants { get; init; } = [];
    public List<List<string>> Parameters { get; init; } = [];
    public List<int> ApiVersions { get; init; } = [];
    public bool Trusted { get; init; } = true;
    /// <summary>SHA-256 of the definition's files (an extension; empty from nodes that do not send it).</summary>
    public string Checksum { get; init; } = "";
}
