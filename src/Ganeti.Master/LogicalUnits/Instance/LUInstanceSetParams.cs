using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using FailMode = Ganeti.HTools.Model.FailMode;
using Ganeti.Master.Allocation;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// gnt-instance modify: changes an instance's hypervisor, backend and OS parameters, its OS,
/// its offline state, its running memory, and adds, changes or removes NICs and disks. Every
/// check runs before anything changes; the configuration is then written once. New disks are
/// created (and recorded) first and removed again if that fails; removed disks leave the
/// configuration before their storage goes, so a failure leaves at worst an orphan volume.
/// Most changes take effect when the instance next starts.
/// </summary>
public sealed class LUInstanceSetParams : InstanceLockingLU<OpInstanceSetParams>
{
    public override string? HooksPath => "instance-modify";

    private const int MaxNics = 8;
    private const int MaxDisks = 16;

    private static readonly HashSet<string> NicKeys = ["link", "ip", "vlan", "mode", "mac", "name", "network", "bridge"];
    private static readonly HashSet<string> NicModes = ["bridged", "routed", "openvswitch"];

    private List<DeviceModification> nicMods = [];
    private List<DeviceModification> diskMods = [];
    private Dictionary<string, JsonElement> beChanges = [];

    private Core.Config.Instance inst = null!;
    private HvInstanceInfo? live;
    private bool running;
    private Dictionary<string, JsonElement>? newHv;
    private Dictionary<string, JsonElement>? newBe;
    private Dictionary<string, JsonElement>? newOsParams;
    private Dictionary<string, JsonElement>? newOsParamsPrivate;
    private string? newOs;
    private string? newAdminState;
    private List<Nic>? newNics;
    private List<PlannedDisk>? plannedDisks;
    private readonly List<Disk> removedDisks = [];
    private readonly JsonArray changes = [];

    /// <summary>A disk of the instance after the change: an existing one (maybe renamed or re-moded) or a new one.</summary>
    private sealed record PlannedDisk(Disk? Existing, Dictionary<string, JsonElement>? NewSpec, string? Name, string Mode);

    protected override string InstanceName => Op.InstanceName;

    protected override bool PrimaryOnly => false;

    public override JsonNode? DryRunResult => changes.DeepClone();

    public override void CheckArguments()
    {
        if (Op.Nics.Count == 0 && Op.Disks.Count == 0 && Op.DiskTemplate is null && Op.Hvparams.Count == 0 && Op.Beparams.Count == 0
            && Op.OsName is null && Op.Osparams.Count == 0 && Op.Offline is null && Op.RuntimeMem is null && Op.Pnode is null
            && Op.OsparamsPrivate is null && Op.InstanceCommunication is null)
            throw GanetiException.WrongInput("No changes submitted");
        if (Op.DiskTemplate is not null)
            throw GanetiException.WrongInput(
                $"Converting an instance's disk template (disk_template={Op.DiskTemplate}) is not supported; " +
                "export the instance and import it with the new template instead");
        if (Op.Pnode is not null || Op.PnodeUuid is not null)
            throw GanetiException.WrongInput("Changing the primary node through modify (pnode) is not supported; use failover, migrate or move");
        if (Op.RemoteNode is not null || Op.RemoteNodeUuid is not null || Op.Iallocator is not null)
            throw GanetiException.WrongInput("remote_node and iallocator only apply to a disk template conversion, which is not supported");
        if (Op.Hotplug)
            throw GanetiException.WrongInput(
                "Hotplug is not supported yet; modify without hotplug and the change takes effect when the instance next starts");
        if (Op.InstanceCommunication is not null)
            throw GanetiException.WrongInput("Instance communication (instance_communication) is not supported yet");
        if (Op.RuntimeMem is <= 0)
            throw GanetiException.WrongInput($"runtime_mem must be positive, got {Op.RuntimeMem}");
        if (Op.Hvparams.Count > 0 && Op.Hvparams.Keys.FirstOrDefault(k => k.Length == 0) is not null)
            throw GanetiException.WrongInput("Empty hypervisor parameter name");
        beChanges = ParameterUpdates.NormalizeBeParams(Op.Beparams);

        nicMods = DeviceModification.Parse("NIC", Op.Nics);
        foreach (var m in nicMods)
            CheckNicModification(m);
        diskMods = DeviceModification.Parse("disk", Op.Disks);
        foreach (var m in diskMods)
            CheckDiskModification(m);
    }

    private static void CheckNicModification(DeviceModification m)
    {
        var unknown = m.Params.Keys.Where(k => !NicKeys.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw GanetiException.WrongInput($"Unknown NIC parameter(s): {string.Join(", ", unknown)} (known: {string.Join(", ", NicKeys)})");
        foreach (var (k, v) in m.Params)
            if (v.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                throw GanetiException.WrongInput($"NIC parameter {k} must be a string, got {v}");
        var network = Params.GetString(m.Params, "network");
        if (network is not null && !network.Equals("none", StringComparison.OrdinalIgnoreCase)
            && (m.Params.ContainsKey("link") || m.Params.ContainsKey("mode")))
            throw GanetiException.WrongInput("If a NIC's network is given, its mode and link must not be");
        if (Params.GetString(m.Params, "ip") is { } ip && !ip.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            if (ip.Equals("pool", StringComparison.OrdinalIgnoreCase))
            {
                if (m.Action == DeviceModification.Add && (network is null || network.Equals("none", StringComparison.OrdinalIgnoreCase)))
                    throw GanetiException.WrongInput("A NIC with ip=pool needs a network to take the address from");
            }
            else if (!IPAddress.TryParse(ip, out _))
                throw GanetiException.WrongInput($"Invalid IP address '{ip}'");
        }
        if (Params.GetString(m.Params, "mac") is { } mac)
        {
            if (mac == "auto" && m.Action == DeviceModification.Modify)
                throw GanetiException.WrongInput("'auto' is not a valid MAC address when modifying an existing NIC (use generate or an address)");
            if (mac is not ("auto" or "generate") && !IsMac(mac))
                throw GanetiException.WrongInput($"Invalid MAC address '{mac}'");
        }
        if (Params.GetString(m.Params, "mode") is { } mode && !NicModes.Contains(mode))
            throw GanetiException.WrongInput($"Invalid NIC mode '{mode}' (use bridged, routed or openvswitch)");
    }

    private static void CheckDiskModification(DeviceModification m)
    {
        if (m.Params.TryGetValue("mode", out var mode) && mode.GetString() is not ("rw" or "ro"))
            throw GanetiException.WrongInput($"Invalid disk access mode {mode} (use rw or ro)");
        switch (m.Action)
        {
            case DeviceModification.Add:
                if (!m.Params.TryGetValue("size", out var size))
                    throw GanetiException.WrongInput("A new disk needs a size (parameter 'size', in MiB)");
                if (InstanceDiskLayout.SizeOf(size) is not > 0)
                    throw GanetiException.WrongInput($"Invalid disk size {size} (a positive number of MiB)");
                if (m.Params.ContainsKey("adopt"))
                    throw GanetiException.WrongInput("Adopting an existing volume is only possible when creating an instance");
                break;
            case DeviceModification.Modify:
                if (m.Params.ContainsKey("size"))
                    throw GanetiException.WrongInput("A disk's size cannot be changed by modify; use grow-disk");
                var unknown = m.Params.Keys.Where(k => k is not ("mode" or "name")).ToList();
                if (unknown.Count > 0)
                    throw GanetiException.WrongInput($"Only a disk's name and mode can be modified, not {string.Join(", ", unknown)}");
                break;
        }
    }

    private static bool IsMac(string mac) =>
        System.Text.RegularExpressions.Regex.IsMatch(mac, "^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$");

    public override async Task CheckPrereqAsync(CancellationToken ct)
    {
        inst = Inst;
        var pnode = Cfg.Nodes[inst.PrimaryNode];
        live = pnode.Offline ? null : await InstanceOps.LiveInfoAsync(Master, Cfg, inst, ct).ConfigureAwait(false);
        running = live is not null;
        var os = Op.OsName ?? inst.Os;

        if (Op.OsName is not null)
            await CheckOsChangeAsync(pnode, ct).ConfigureAwait(false);

        if (Op.Hvparams.Count > 0)
        {
            newHv = ParameterUpdates.Apply(inst.Hvparams, Op.Hvparams);
            var filled = InstanceSpecs.FilledHvParams(Cfg, inst.Hypervisor, os, newHv);
            foreach (var node in OnlineNodes())
                await Master.Rpc.CallAsync(node, NodeProcedures.HypervisorValidateParams,
                    new { hypervisor = inst.Hypervisor, hvparams = filled }, ct).ConfigureAwait(false);
            foreach (var (k, v) in Op.Hvparams) changes.Add(Pair($"hv/{k}", v));
        }

        if (beChanges.Count > 0)
        {
            newBe = ParameterUpdates.Apply(inst.Beparams, beChanges);
            var oldFilled = InstanceSpecs.FilledBeParams(Cfg, inst);
            var filled = InstanceSpecs.FilledBeParams(Cfg, newBe);
            ParameterUpdates.CheckMemoryRange(filled);
            CheckPolicy(newBe);
            if (beChanges.ContainsKey("maxmem") && !Op.Force
                && Params.GetInt(filled, "maxmem") > Params.GetInt(oldFilled, "maxmem"))
                await CheckMemoryGrowthAsync(pnode, filled, ct).ConfigureAwait(false);
            foreach (var (k, v) in beChanges) changes.Add(Pair($"be/{k}", v));
        }

        if (Op.RuntimeMem is { } runtimeMem)
            await CheckRuntimeMemoryAsync(pnode, runtimeMem, ct).ConfigureAwait(false);

        if (Op.Osparams.Count > 0 || Op.OsparamsPrivate is not null || Op.OsName is not null)
        {
            newOsParams = ParameterUpdates.Apply(inst.Osparams, Op.Osparams);
            newOsParamsPrivate = ParameterUpdates.Apply(inst.OsparamsPrivate, Op.OsparamsPrivate);
            if (!string.IsNullOrEmpty(os))
            {
                var probe = new Core.Config.Instance { Os = os, Osparams = newOsParams, OsparamsPrivate = newOsParamsPrivate };
                var filled = InstanceSpecs.FilledOsParams(Cfg, probe);
                foreach (var node in OnlineNodes())
                    await Master.Rpc.CallAsync(node, NodeProcedures.OsValidate,
                        new { name = os, required = true, checks = new[] { "parameters" }, osparams = filled }, ct).ConfigureAwait(false);
            }
            else if (Op.Osparams.Count > 0 || Op.OsparamsPrivate is { Count: > 0 })
                throw GanetiException.WrongInput($"Instance {inst.Name} has no OS, so it takes no OS parameters");
            foreach (var (k, v) in Op.Osparams) changes.Add(Pair($"os/{k}", v));
            foreach (var k in (Op.OsparamsPrivate ?? []).Keys) changes.Add(Pair($"os_private/{k}", "<redacted>"));
        }

        if (Op.Offline is { } offline)
        {
            if (inst.AdminState == AdminStates.Up || running)
                throw GanetiException.WrongState(offline
                    ? $"Instance {inst.Name} is running; it cannot be marked offline without being stopped first"
                    : $"Instance {inst.Name} is running; it can only be brought online (down) from offline");
            newAdminState = offline ? AdminStates.Offline : AdminStates.Down;
            changes.Add(Pair("admin_state", Params.Value(newAdminState)));
        }

        if (nicMods.Count > 0)
            PlanNics();
        if (diskMods.Count > 0)
            PlanDisks();

        if (running && (newHv is not null || newBe is not null || newOs is not null || nicMods.Count > 0 || diskMods.Count > 0))
            Log("Warning: the instance is running; the changes take effect when it is next restarted" +
                (Op.HotplugIfPossible && (nicMods.Count > 0 || diskMods.Count > 0) ? " (hotplug is not supported yet)" : ""));
    }

    private IEnumerable<Node> OnlineNodes() =>
        Cfg.InstanceNodes(inst).Select(u => Cfg.Nodes[u]).Where(n => !n.Offline);

    private static JsonArray Pair(string key, JsonElement value) => new(key, JsonNode.Parse(value.GetRawText()));

    private static JsonArray Pair(string key, string? value) => new(key, value);

    private async Task CheckOsChangeAsync(Node pnode, CancellationToken ct)
    {
        if (!Op.Force)
        {
            if (inst.AdminState == AdminStates.Up || running)
                throw GanetiException.WrongState($"Instance {inst.Name} is running; stop it before changing its OS (or use force)");
        }
        if (pnode.Offline)
            throw GanetiException.WrongState($"Cannot check OS '{Op.OsName}' on offline primary node {pnode.Name}");
        var os = await Master.Rpc.CallAsync<OsInfo>(pnode, NodeProcedures.OsGet, new { name = Op.OsName }, ct).ConfigureAwait(false);
        var variant = Op.OsName!.Contains('+') ? Op.OsName[(Op.OsName.IndexOf('+') + 1)..] : null;
        if (os.Variants.Count > 0 && !Op.ForceVariant)
        {
            if (variant is null)
                throw GanetiException.WrongInput($"OS '{Op.OsName}' needs a variant (one of: {string.Join(", ", os.Variants)})");
            if (!os.Variants.Contains(variant))
                throw GanetiException.WrongInput(
                    $"OS '{InstanceSpecs.BaseOsName(Op.OsName)}' has no variant '{variant}' (variants: {string.Join(", ", os.Variants)})");
        }
        newOs = Op.OsName;
        changes.Add(Pair("os", newOs));
    }

    private void CheckPolicy(Dictionary<string, JsonElement> be)
    {
        var probe = JsonSerializer.Deserialize<Core.Config.Instance>(JsonSerializer.Serialize(inst, Core.Json.GanetiJson.Options), Core.Json.GanetiJson.Options)!;
        probe.Beparams = be;
        var group = Cfg.Nodes[inst.PrimaryNode].Group;
        var result = InstancePolicy.Check(Cfg, probe, group);
        // A violation the instance already has (its disks, say) is not this change's doing.
        if (result == FailMode.None || result == InstancePolicy.Check(Cfg, inst, group)) return;
        var message = $"Instance {inst.Name} would not meet the instance policy of its node group " +
            $"{Cfg.Nodegroups.GetValueOrDefault(group)?.Name ?? group}: {result switch
            {
                FailMode.Mem => "memory size",
                FailMode.Cpu => "CPU count",
                FailMode.Spindles => "spindle use",
                _ => result.ToString(),
            }} out of range";
        if (!Op.IgnoreIpolicy)
            throw GanetiException.Prereq(message + " (use ignore_ipolicy to go ahead anyway)", ErrorCodes.WrongInput);
        Log("Warning: " + message);
    }

    private async Task<HvNodeInfo?> NodeMemoryAsync(Node node, CancellationToken ct)
    {
        var info = await Master.Rpc.CallAsync<NodeInfoResult>(node, NodeProcedures.NodeInfo,
            new { hypervisors = new[] { inst.Hypervisor } }, ct).ConfigureAwait(false);
        return info.Hypervisors.GetValueOrDefault(inst.Hypervisor);
    }

    private async Task CheckMemoryGrowthAsync(Node pnode, Dictionary<string, JsonElement> filled, CancellationToken ct)
    {
        var maxmem = Params.GetInt(filled, "maxmem") ?? 0;
        if (pnode.Offline)
            Log($"Warning: cannot check the free memory of offline primary node {pnode.Name}");
        else if (await NodeMemoryAsync(pnode, ct).ConfigureAwait(false) is { } hv)
        {
            var missing = maxmem - (live?.MemoryMiB ?? 0) - hv.MemoryFree;
            if (missing > 0)
                throw GanetiException.Prereq(
                    $"This change will prevent instance {inst.Name} from starting: {missing} MiB of memory missing on its primary node {pnode.Name} (use force to change it anyway)",
                    ErrorCodes.InsufficientResources);
        }
        if (Params.GetBool(filled, "auto_balance") != false)
            foreach (var secondary in Cfg.SecondaryNodes(inst).Select(u => Cfg.Nodes[u]))
            {
                if (secondary.Offline) continue;
                if (await NodeMemoryAsync(secondary, ct).ConfigureAwait(false) is { } shv && maxmem > shv.MemoryFree)
                    throw GanetiException.WrongState(
                        $"This change will prevent instance {inst.Name} from failing over to its secondary node {secondary.Name}: not enough memory ({shv.MemoryFree} MiB free, {maxmem} MiB needed)");
            }
    }

    private async Task CheckRuntimeMemoryAsync(Node pnode, long runtimeMem, CancellationToken ct)
    {
        if (live is null)
            throw GanetiException.WrongState($"Instance {inst.Name} is not running; runtime memory can only be changed on a running instance");
        var be = InstanceSpecs.FilledBeParams(Cfg, newBe ?? inst.Beparams);
        var min = Params.GetInt(be, "minmem") ?? 0;
        var max = Params.GetInt(be, "maxmem") ?? 0;
        if (!Op.Force && (runtimeMem > max || runtimeMem < min))
            throw GanetiException.WrongInput($"Instance {inst.Name} must have memory between {min} and {max} MiB unless force is given");
        var delta = runtimeMem - live.MemoryMiB;
        if (delta > 0 && await NodeMemoryAsync(pnode, ct).ConfigureAwait(false) is { } hv && hv.MemoryFree < delta)
            throw GanetiException.Prereq(
                $"Not enough memory on node {pnode.Name} for ballooning memory for instance {inst.Name}: needed {delta} MiB, available {hv.MemoryFree} MiB",
                ErrorCodes.InsufficientResources);
        changes.Add(Pair("runtime_memory", Params.Value(runtimeMem)));
    }

    // ---------------------------------------------------------------- NICs

    private void PlanNics()
    {
        var nics = inst.Nics.Select(CloneNic).ToList();
        // MACs in use elsewhere in the cluster; this instance's own are re-added as the plan settles.
        var otherMacs = Cfg.Instances.Values.Where(i => i.Uuid != inst.Uuid).SelectMany(i => i.Nics)
            .Select(n => n.Mac.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var group = Cfg.Nodes[inst.PrimaryNode].Group;
        foreach (var m in nicMods)
        {
            var index = m.Resolve("NIC", nics.Count, i => (nics[i].Name, nics[i].Uuid));
            switch (m.Action)
            {
                case DeviceModification.Remove:
                    nics.RemoveAt(index);
                    changes.Add(Pair($"nic.{index}", "remove"));
                    nicReports.RemoveAll(r => r.Index == index);
                    break;
                case DeviceModification.Add:
                {
                    var nic = new Nic { Uuid = Guid.NewGuid().ToString(), Mac = "auto" };
                    ApplyNicParams(nic, m.Params, group, isNew: true);
                    nics.Insert(index, nic);
                    nicReports.Add((index, nic, null));
                    break;
                }
                default:
                    ApplyNicParams(nics[index], m.Params, group, isNew: false);
                    nicReports.Add((index, nics[index], m.Params));
                    break;
            }
        }
        if (nics.Count > MaxNics)
            throw GanetiException.Prereq($"Instance {inst.Name} would have {nics.Count} NICs; at most {MaxNics} are allowed", ErrorCodes.WrongState);

        // MACs: generated ones are unique; explicit ones must not be used by another NIC in the cluster.
        var seen = new HashSet<string>(otherMacs, StringComparer.Ordinal);
        foreach (var nic in nics.Where(n => n.Mac is not ("auto" or "generate")))
        {
            var mac = nic.Mac.ToLowerInvariant();
            var own = inst.Nics.Any(o => o.Uuid == nic.Uuid && o.Mac.Equals(mac, StringComparison.OrdinalIgnoreCase));
            if (!seen.Add(mac) && !(own && !otherMacs.Contains(mac)))
                throw GanetiException.Prereq($"MAC address {nic.Mac} is already in use in the cluster", ErrorCodes.NotUnique);
        }
        foreach (var nic in nics.Where(n => n.Mac is "auto" or "generate"))
        {
            var prefix = nic.Network is { } net && Cfg.Networks.TryGetValue(net, out var network) && !string.IsNullOrEmpty(network.MacPrefix)
                ? network.MacPrefix : Cfg.Cluster.MacPrefix;
            nic.Mac = GenerateMac(prefix, seen);
            seen.Add(nic.Mac);
        }

        // Names unique within the instance; IPs unique within a network.
        var names = nics.Where(n => n.Name is not null).GroupBy(n => n.Name).FirstOrDefault(g => g.Count() > 1);
        if (names is not null)
            throw GanetiException.Prereq($"NIC name '{names.Key}' is used more than once in instance {inst.Name}", ErrorCodes.NotUnique);
        // Only the NICs this change adds or modifies; the others were checked when they were made.
        var touched = nicReports.Select(r => r.Nic.Uuid).ToHashSet(StringComparer.Ordinal);
        foreach (var nic in nics.Where(n => touched.Contains(n.Uuid)))
            CheckNicAddress(nic, nics);

        // The changes, reported as Ganeti reports them (after MACs and pool addresses are settled).
        foreach (var (index, nic, p) in nicReports)
        {
            if (p is null)
            {
                var filled = InstanceSpecs.FilledNicParams(Cfg, nic);
                changes.Add(Pair($"nic.{index}",
                    $"add:mac={nic.Mac},ip={nic.Ip ?? "None"},mode={Params.GetString(filled, "mode")},link={Params.GetString(filled, "link")}," +
                    $"network={(nic.Network is null ? "None" : Cfg.Networks[nic.Network].Name)}"));
            }
            else
                foreach (var (k, v) in p)
                    changes.Add(k switch
                    {
                        "mac" => Pair($"nic.mac/{index}", nic.Mac),
                        "ip" => Pair($"nic.ip/{index}", nic.Ip),
                        _ => Pair($"nic.{k}/{index}", v),
                    });
        }
        newNics = nics;
    }

    private readonly List<(int Index, Nic Nic, Dictionary<string, JsonElement>? Params)> nicReports = [];

    private static Nic CloneNic(Nic n) => new()
    {
        Uuid = n.Uuid, Name = n.Name, Mac = n.Mac, Ip = n.Ip, Network = n.Network,
        Nicparams = new Dictionary<string, JsonElement>(n.Nicparams),
    };

    private void ApplyNicParams(Nic nic, Dictionary<string, JsonElement> p, string group, bool isNew)
    {
        if (p.ContainsKey("name"))
            nic.Name = Params.GetString(p, "name") is { } n && !n.Equals("none", StringComparison.OrdinalIgnoreCase) ? n : null;
        if (Params.GetString(p, "mac") is { } mac)
            nic.Mac = mac is "auto" or "generate" ? mac : mac.ToLowerInvariant();
        if (p.ContainsKey("ip"))
            nic.Ip = Params.GetString(p, "ip") is { } ip && !ip.Equals("none", StringComparison.OrdinalIgnoreCase) ? ip : null;
        if (p.ContainsKey("network"))
        {
            var net = Params.GetString(p, "network");
            if (net is null || net.Equals("none", StringComparison.OrdinalIgnoreCase))
                nic.Network = null;
            else
            {
                var network = Cfg.FindNetwork(net) ?? throw GanetiException.NotFound("Network", net);
                if (!Cfg.Nodegroups.TryGetValue(group, out var g) || !g.Networks.TryGetValue(network.Uuid, out var netparams))
                    throw GanetiException.Prereq(
                        $"Network {network.Name} is not connected to node group {Cfg.Nodegroups.GetValueOrDefault(group)?.Name ?? group} of instance {inst.Name}",
                        ErrorCodes.WrongState);
                nic.Network = network.Uuid;
                // The network's connection to the group decides the mode and link.
                nic.Nicparams = new Dictionary<string, JsonElement>(netparams);
            }
        }
        foreach (var key in new[] { "mode", "link", "vlan" })
            if (p.TryGetValue(key, out var v))
            {
                if (ParameterUpdates.IsDefault(v)) nic.Nicparams.Remove(key);
                else nic.Nicparams[key] = v;
            }
        if (Params.GetString(p, "bridge") is { } bridge)
        {
            nic.Nicparams["link"] = Params.Value(bridge);
            nic.Nicparams["mode"] = Params.Value("bridged");
        }
        if (isNew && nic.Ip is { } pool && pool.Equals("pool", StringComparison.OrdinalIgnoreCase) && nic.Network is null)
            throw GanetiException.WrongInput("A NIC with ip=pool needs a network to take the address from");
    }

    private void CheckNicAddress(Nic nic, List<Nic> nics)
    {
        var p = InstanceSpecs.FilledNicParams(Cfg, nic);
        var mode = Params.GetString(p, "mode") ?? "bridged";
        if (!NicModes.Contains(mode))
            throw GanetiException.WrongInput($"Invalid NIC mode '{mode}'");
        if (mode is "bridged" or "openvswitch" && string.IsNullOrEmpty(Params.GetString(p, "link")))
            throw GanetiException.WrongInput($"A {mode} NIC needs a link (the bridge or switch to attach to)");
        var network = nic.Network is null ? null : Cfg.Networks[nic.Network];
        if (nic.Ip is { } ip && ip.Equals("pool", StringComparison.OrdinalIgnoreCase))
            nic.Ip = FreeAddress(network!, nics);
        if (mode == "routed" && nic.Ip is null)
            throw GanetiException.WrongInput("A routed NIC needs an IP address");
        if (nic.Ip is null || network is null) return;
        if (!InNetwork(network, nic.Ip))
            throw GanetiException.WrongInput($"IP address {nic.Ip} is not in network {network.Name} ({network.Network4})");
        var holder = Cfg.Instances.Values.Where(i => i.Uuid != inst.Uuid).SelectMany(i => i.Nics.Select(n => (i, n)))
            .Concat(nics.Select(n => (i: inst, n)))
            .FirstOrDefault(x => x.n.Network == network.Uuid && x.n.Ip == nic.Ip && x.n.Uuid != nic.Uuid);
        if (holder.n is not null || IsReserved(network, nic.Ip))
        {
            var message = $"IP address {nic.Ip} is already in use in network {network.Name}" + (holder.i is { } h ? $" (by instance {h.Name})" : "");
            if (Op.ConflictsCheck)
                throw GanetiException.Prereq(message + "; use conflicts_check=false to allow it", ErrorCodes.NotUnique);
            Log("Warning: " + message);
        }
    }

    private static bool InNetwork(Core.Config.Network network, string ip) =>
        IPNetwork.TryParse(network.Network4, out var net) && IPAddress.TryParse(ip, out var addr) && net.Contains(addr);

    private static bool IsReserved(Core.Config.Network network, string ip)
    {
        if (!IPNetwork.TryParse(network.Network4, out var net) || !IPAddress.TryParse(ip, out var addr)) return false;
        var offset = AddressOffset(net, addr);
        return offset < network.Reservations.Length && network.Reservations[(int)offset] == '1'
            || offset < network.ExtReservations.Length && network.ExtReservations[(int)offset] == '1';
    }

    private static long AddressOffset(IPNetwork net, IPAddress addr)
    {
        var a = addr.GetAddressBytes();
        var b = net.BaseAddress.GetAddressBytes();
        return ((long)a[0] << 24 | (long)a[1] << 16 | (long)a[2] << 8 | a[3]) - ((long)b[0] << 24 | (long)b[1] << 16 | (long)b[2] << 8 | b[3]);
    }

    private string FreeAddress(Core.Config.Network network, List<Nic> nics)
    {
        if (!IPNetwork.TryParse(network.Network4, out var net) || net.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            throw GanetiException.Prereq($"Network {network.Name} has no IPv4 range to take an address from", ErrorCodes.WrongState);
        var used = Cfg.Instances.Values.SelectMany(i => i.Uuid == inst.Uuid ? nics : i.Nics)
            .Where(n => n.Network == network.Uuid && n.Ip is not null).Select(n => n.Ip!).ToHashSet();
        var size = 1L << (32 - net.PrefixLength);
        var b = net.BaseAddress.GetAddressBytes();
        var baseValue = (long)b[0] << 24 | (long)b[1] << 16 | (long)b[2] << 8 | b[3];
        // The network and broadcast addresses are never handed out.
        for (var off = 1L; off < size - 1; off++)
        {
            var v = baseValue + off;
            var ip = $"{(v >> 24) & 255}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}";
            if (!used.Contains(ip) && !IsReserved(network, ip) && ip != network.Gateway) return ip;
        }
        throw GanetiException.Prereq($"Network {network.Name} has no free IP address left", ErrorCodes.TempInsufficientResources);
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

    // ---------------------------------------------------------------- disks

    private void PlanDisks()
    {
        if (inst.DiskTemplate == "diskless" && diskMods.Any(m => m.Action == DeviceModification.Add))
            throw GanetiException.Prereq($"Instance {inst.Name} is diskless; disks cannot be added to it", ErrorCodes.WrongState);
        var disks = Cfg.InstanceDisks(inst).Select(d => new PlannedDisk(d, null, d.Name, d.Mode)).ToList();
        var stopped = inst.AdminState != AdminStates.Up && !running;
        foreach (var m in diskMods)
        {
            var index = m.Resolve("disk", disks.Count, i => (disks[i].Name, disks[i].Existing?.Uuid ?? ""));
            switch (m.Action)
            {
                case DeviceModification.Remove:
                    if (!stopped)
                        throw GanetiException.WrongState($"Instance {inst.Name} is running; a disk cannot be removed from a running instance (stop it first)");
                    if (disks[index].Existing is { } gone) removedDisks.Add(gone);
                    disks.RemoveAt(index);
                    changes.Add(Pair($"disk/{index}", "remove"));
                    break;
                case DeviceModification.Add:
                {
                    if (!stopped)
                        throw GanetiException.WrongState($"Instance {inst.Name} is running; a disk can only be added to a stopped instance");
                    var unknown = m.Params.Keys.Where(k => !InstanceDiskLayout.DiskKeys.Contains(k)).ToList();
                    if (unknown.Count > 0 && inst.DiskTemplate != "ext")
                        throw GanetiException.WrongInput($"Unknown disk parameter(s): {string.Join(", ", unknown)}");
                    var name = Params.GetString(m.Params, "name") is { } n && !n.Equals("none", StringComparison.OrdinalIgnoreCase) ? n : null;
                    var mode = Params.GetString(m.Params, "mode") ?? "rw";
                    disks.Insert(index, new PlannedDisk(null, m.Params, name, mode));
                    var size = InstanceDiskLayout.SizeOf(m.Params["size"]);
                    changes.Add(Pair($"disk/{index}", $"add:size={size},mode={mode}"));
                    break;
                }
                default:
                {
                    var d = disks[index];
                    if (m.Params.ContainsKey("name"))
                    {
                        var name = Params.GetString(m.Params, "name") is { } n && !n.Equals("none", StringComparison.OrdinalIgnoreCase) ? n : null;
                        d = d with { Name = name };
                        changes.Add(Pair($"disk.name/{index}", name));
                    }
                    if (Params.GetString(m.Params, "mode") is { } mode)
                    {
                        d = d with { Mode = mode };
                        changes.Add(Pair($"disk.mode/{index}", mode));
                    }
                    disks[index] = d;
                    break;
                }
            }
        }
        if (disks.Count > MaxDisks)
            throw GanetiException.Prereq($"Instance {inst.Name} would have {disks.Count} disks; at most {MaxDisks} are allowed", ErrorCodes.WrongState);
        var dup = disks.Where(d => d.Name is not null).GroupBy(d => d.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw GanetiException.Prereq($"Disk name '{dup.Key}' is used more than once in instance {inst.Name}", ErrorCodes.NotUnique);
        if (disks.Any(d => d.Existing is null))
            foreach (var node in Cfg.InstanceNodes(inst).Select(u => Cfg.Nodes[u]))
                if (node.Offline)
                    throw GanetiException.WrongState($"Node {node.Name} of instance {inst.Name} is offline; no disk can be created on it");
        plannedDisks = disks;
    }

    // ---------------------------------------------------------------- exec

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        if (Op.RuntimeMem is { } runtimeMem)
        {
            var pnode = Cfg.Nodes[inst.PrimaryNode];
            await Master.Rpc.CallAsync(pnode, NodeProcedures.InstanceBalloonMemory,
                new { instance = InstanceSpecs.Build(Cfg, inst), memory = runtimeMem }, ct).ConfigureAwait(false);
            Log($"Instance {inst.Name} now runs with {runtimeMem} MiB of memory");
        }

        var created = plannedDisks is not null && plannedDisks.Any(d => d.Existing is null)
            ? await CreateDisksAsync(ct).ConfigureAwait(false)
            : [];

        try
        {
            await Master.Config.UpdateAsync(c => ApplyTo(c, created), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (created.Count > 0)
        {
            Log($"Recording the changes failed, removing the new disks again: {e.Message}");
            await RemoveNewDisksAsync(created).ConfigureAwait(false);
            throw;
        }

        if (removedDisks.Count > 0)
            await RemoveStorageAsync(ct).ConfigureAwait(false);
        return changes.DeepClone();
    }

    /// <summary>Lays out, records and creates the new disks; on failure removes what was made and the records.</summary>
    private async Task<Dictionary<PlannedDisk, Disk>> CreateDisksAsync(CancellationToken ct)
    {
        var now = Config.ConfigStore.Now();
        var secondary = Cfg.SecondaryNodes(inst).FirstOrDefault();
        var subdir = StorageSubdir();
        var made = await Master.Config.UpdateAsync(c =>
        {
            var i = c.Instances[inst.Uuid];
            var result = new Dictionary<PlannedDisk, Disk>();
            foreach (var (planned, index) in plannedDisks!.Select((d, k) => (d, k)).Where(x => x.d.Existing is null))
            {
                var disk = InstanceDiskLayout.Make(c, new InstanceDiskLayout.Request(i.DiskTemplate, i.PrimaryNode, secondary,
                    ExistingFileDriver() ?? "loop", subdir), index, planned.NewSpec!, now);
                c.Disks[disk.Uuid] = disk;
                // Recorded with the instance at once, so a crash cannot leave storage nobody knows about.
                i.Disks.Add(disk.Uuid);
                result[planned] = disk;
            }
            i.Touch(now);
            return result;
        }, ct).ConfigureAwait(false);

        var done = new List<(Disk Disk, string Node)>();
        try
        {
            var cfg = Master.Config.Current;
            foreach (var (planned, disk) in made)
            {
                var index = plannedDisks!.IndexOf(planned);
                foreach (var nodeUuid in disk.Nodes)
                {
                    await Master.Rpc.CallAsync<AssembleResult>(cfg.Nodes[nodeUuid], NodeProcedures.BlockdevCreate, new
                    {
                        disk = InstanceSpecs.Disk(cfg, disk, index, nodeUuid),
                        instance_name = inst.Name,
                        size_mib = disk.Size,
                        on_primary = nodeUuid == inst.PrimaryNode,
                        wipe = cfg.Cluster.PreallocWipeDisks,
                    }, ct).ConfigureAwait(false);
                    done.Add((disk, nodeUuid));
                }
                Log($"Created disk/{index} ({disk.Size} MiB, {disk.DevType}) on {string.Join(" and ", disk.Nodes.Select(n => cfg.Nodes[n].Name))}" +
                    (cfg.Cluster.PreallocWipeDisks ? ", wiped" : ""));
            }
            if (made.Values.Any(d => d.DevType == "drbd"))
            {
                // As at create: the new mirror is brought up once on both nodes (primary on the
                // primary) so its halves connect, then released again on the stopped instance.
                var current = Master.Config.Current;
                var i = current.Instances[inst.Uuid];
                await InstanceOps.AssembleDisksAsync(Master, current, i, Log, ct).ConfigureAwait(false);
                await InstanceOps.ShutdownDisksAsync(Master, current, i, Log, ignoreFailures: true, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            Log($"Creating the new disks failed, removing what was made: {e.Message}");
            await RemoveNewDisksAsync(made.Values.ToList(), done).ConfigureAwait(false);
            throw;
        }
        return made;
    }

    private string StorageSubdir()
    {
        // New file disks go beside the instance's existing ones.
        var existing = Cfg.InstanceDisks(inst).FirstOrDefault(d => d.DevType is "file" or "sharedfile" && d.LogicalId.Count == 2);
        if (existing is not null)
        {
            var root = existing.DevType == "file" ? Cfg.Cluster.FileStorageDir : Cfg.Cluster.SharedFileStorageDir;
            var dir = Path.GetDirectoryName(existing.LogicalId[1].GetString()!) ?? "";
            var rel = Path.GetRelativePath(root, dir);
            if (!rel.StartsWith("..", StringComparison.Ordinal) && rel != ".") return rel;
        }
        return inst.Name;
    }

    private string? ExistingFileDriver() =>
        Cfg.InstanceDisks(inst).FirstOrDefault(d => d.DevType is "file" or "sharedfile" && d.LogicalId.Count == 2)?.LogicalId[0].GetString();

    private Task RemoveNewDisksAsync(Dictionary<PlannedDisk, Disk> made) =>
        RemoveNewDisksAsync(made.Values.ToList(), made.Values.SelectMany(d => d.Nodes.Select(n => (d, n))).ToList());

    private async Task RemoveNewDisksAsync(IReadOnlyList<Disk> disks, IReadOnlyList<(Disk Disk, string Node)> storage)
    {
        var cfg = Master.Config.Current;
        foreach (var (disk, nodeUuid) in storage.Reverse())
        {
            try
            {
                await Master.Rpc.CallAsync(cfg.Nodes[nodeUuid], NodeProcedures.BlockdevRemove,
                    new { disk = InstanceSpecs.Disk(cfg, disk, 0, nodeUuid) }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                Log($"Warning: could not remove new disk {disk.Uuid} on node {cfg.Nodes[nodeUuid].Name}: {e.Message}");
            }
        }
        await Master.Config.UpdateAsync(c =>
        {
            var i = c.Instances[inst.Uuid];
            foreach (var d in disks)
            {
                i.Disks.Remove(d.Uuid);
                if (c.Disks.Remove(d.Uuid, out var gone)) InstanceDiskLayout.ReleasePorts(c, gone);
            }
        }, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>All configuration changes, in one update; re-checks MAC uniqueness under the writer.</summary>
    private void ApplyTo(ConfigData c, Dictionary<PlannedDisk, Disk> created)
    {
        var now = Config.ConfigStore.Now();
        var i = c.Instances[inst.Uuid];
        if (newHv is not null) i.Hvparams = newHv;
        if (newBe is not null) i.Beparams = newBe;
        if (newOs is not null) i.Os = newOs;
        if (newOsParams is not null) i.Osparams = newOsParams;
        if (newOsParamsPrivate is not null) i.OsparamsPrivate = newOsParamsPrivate;
        if (newAdminState is not null)
        {
            i.AdminState = newAdminState;
            i.AdminStateSource = "admin";
        }
        if (newNics is not null)
        {
            var taken = c.Instances.Values.Where(x => x.Uuid != i.Uuid).SelectMany(x => x.Nics).Select(n => n.Mac).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (newNics.FirstOrDefault(n => taken.Contains(n.Mac)) is { } clash)
                throw GanetiException.Prereq($"MAC address {clash.Mac} was taken by another instance meanwhile", ErrorCodes.NotUnique);
            i.Nics = newNics;
        }
        if (plannedDisks is not null)
        {
            var order = new List<string>();
            foreach (var (planned, index) in plannedDisks.Select((d, k) => (d, k)))
            {
                var disk = planned.Existing is { } e ? c.Disks[e.Uuid] : c.Disks[created[planned].Uuid];
                disk.Name = planned.Name;
                disk.Mode = planned.Mode;
                disk.IvName = $"disk/{index}";
                disk.Touch(now);
                order.Add(disk.Uuid);
            }
            foreach (var gone in removedDisks)
                if (c.Disks.Remove(gone.Uuid, out var d)) InstanceDiskLayout.ReleasePorts(c, d);
            i.Disks = order;
        }
        i.Touch(now);
    }

    private async Task RemoveStorageAsync(CancellationToken ct)
    {
        foreach (var disk in removedDisks)
        {
            var index = Cfg.InstanceDisks(inst).ToList().FindIndex(d => d.Uuid == disk.Uuid);
            foreach (var nodeUuid in disk.Nodes)
            {
                var node = Cfg.Nodes[nodeUuid];
                try
                {
                    var spec = InstanceSpecs.Disk(Cfg, disk, index, nodeUuid);
                    await Master.Rpc.CallAsync(node, NodeProcedures.BlockdevShutdown, new { disk = spec }, ct).ConfigureAwait(false);
                    await Master.Rpc.CallAsync(node, NodeProcedures.BlockdevRemove, new { disk = spec }, ct).ConfigureAwait(false);
                }
                catch (GanetiException e)
                {
                    Log($"Warning: could not remove disk/{index} on node {node.Name}: {e.Message}; it is no longer part of {inst.Name}, remove the volume by hand");
                }
            }
            Log($"Removed disk/{index} of {inst.Name}");
        }
    }
}
