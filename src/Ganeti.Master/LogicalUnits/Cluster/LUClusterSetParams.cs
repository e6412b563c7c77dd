using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Json;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Config;
using Ganeti.Master.Locking;
using Ganeti.Master.LogicalUnits.Nodes;
using Ganeti.Remoting.NodeRpc;
using C = Ganeti.Core.Config.Cluster;

namespace Ganeti.Master.LogicalUnits.Cluster;

/// <summary>
/// gnt-cluster modify: every change is checked first (types against Ganeti's defaults,
/// hypervisor parameters by the hypervisor itself on the nodes, the instance policy as a
/// whole, hypervisors and disk templates still in use), then applied as one configuration
/// update. The changes are collected as edits to the cluster object so the checks run on the
/// result and a dry run stops after them.
/// </summary>
public sealed class LUClusterSetParams : LogicalUnit<OpClusterSetParams>
{
    private readonly List<Action<C>> edits = [];
    private bool poolGrows;

    public override void CheckArguments()
    {
        if (Op.HvState is not null || Op.DiskState is not null)
            throw GanetiException.WrongInput("hv_state and disk_state are not kept by this cluster and cannot be set");
        if (Op.UseExternalMipScript == true)
            throw GanetiException.WrongInput("use_external_mip_script is not supported: the master IP is managed by the master daemon");
        if (Op.EnabledDataCollectors is not null || Op.DataCollectorInterval is not null)
            throw GanetiException.WrongInput("Data collectors (enabled_data_collectors, data_collector_interval) are not supported by this cluster");
        if (Op.CompressionTools is not null)
            throw GanetiException.WrongInput("compression_tools cannot be changed on this cluster");
        if (Op.CandidatePoolSize is < 1)
            throw GanetiException.WrongInput($"candidate_pool_size must be at least 1, got {Op.CandidatePoolSize}");
        if (Op.MaxRunningJobs is < 1)
            throw GanetiException.WrongInput($"max_running_jobs must be at least 1, got {Op.MaxRunningJobs}");
        if (Op.MaxTrackedJobs is < 1)
            throw GanetiException.WrongInput($"max_tracked_jobs must be at least 1, got {Op.MaxTrackedJobs}");
        if (Op.MacPrefix is not null) ClusterParameterChecks.CheckMacPrefix(Op.MacPrefix);
        if (Op.UidPool is not null) ClusterParameterChecks.ParseUidPool("uid_pool", Op.UidPool);
        if (Op.AddUids is not null) ClusterParameterChecks.ParseUidPool("add_uids", Op.AddUids);
        if (Op.RemoveUids is not null) ClusterParameterChecks.ParseUidPool("remove_uids", Op.RemoveUids);
        if (Op.MasterNetmask is { } mask && mask is < 1 or > 32)
            throw GanetiException.WrongInput($"Invalid master netmask {mask}: an IPv4 prefix length is 1 to 32");
        if (Op.InstallImage is { Length: > 0 } image && !Path.IsPathRooted(image) && !Uri.TryCreate(image, UriKind.Absolute, out _))
            throw GanetiException.WrongInput($"Install image must be an absolute path or a URL, got '{image}'");
        if (Op.ZeroingImage is { Length: > 0 } zero && !Path.IsPathRooted(zero) && !Uri.TryCreate(zero, UriKind.Absolute, out _))
            throw GanetiException.WrongInput($"Zeroing image must be an absolute path or a URL, got '{zero}'");
        foreach (var (what, dir) in new[] { ("file_storage_dir", Op.FileStorageDir), ("shared_file_storage_dir", Op.SharedFileStorageDir),
                     ("gluster_storage_dir", Op.GlusterStorageDir) })
            if (dir is { Length: > 0 } && (!Path.IsPathRooted(dir) || dir.Split('/').Contains("..")))
                throw GanetiException.WrongInput($"The {what} must be an absolute path without '..', got '{dir}'");
        if (Op.ReservedLvs?.FirstOrDefault(lv => lv.Length == 0) is not null)
            throw GanetiException.WrongInput("reserved_lvs contains an empty name");
    }

    // Ganeti takes every node, instance and group lock shared; promotions change nodes.
    public override LockRequest? LocksAt(LockLevel level) => level switch
    {
        LockLevel.Instance or LockLevel.NodeGroup => LockRequest.AllOf(level, shared: true),
        LockLevel.Node => LockRequest.AllOf(level, shared: Op.CandidatePoolSize is null),
        _ => null,
    };

    private void Edit(Action<C> edit) => edits.Add(edit);

    public override string? HooksPath => "cluster-modify";

    public override IReadOnlyDictionary<string, string> HooksEnv() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["OP_TARGET"] = Cfg.Cluster.ClusterName,
        ["NEW_VG_NAME"] = Op.VgName ?? "None",
    };

    public override async Task CheckPrereqAsync(CancellationToken ct)
    {
        var old = Cfg.Cluster;
        var instances = Cfg.Instances.Values.ToList();

        // Hypervisors.
        if (Op.EnabledHypervisors is { } hvs)
        {
            if (hvs.Count == 0)
                throw GanetiException.WrongInput("At least one hypervisor must be enabled (enabled_hypervisors is empty)");
            var unknown = hvs.Where(h => !ClusterParameterChecks.KnownHypervisors.Contains(h)).ToList();
            if (unknown.Count > 0)
                throw GanetiException.WrongInput(
                    $"Unknown hypervisor(s) {string.Join(", ", unknown)} (known: {string.Join(", ", ClusterParameterChecks.KnownHypervisors.Order(StringComparer.Ordinal))})");
            if (hvs.Distinct().Count() != hvs.Count)
                throw GanetiException.WrongInput("enabled_hypervisors lists a hypervisor twice");
            foreach (var hv in old.EnabledHypervisors.Except(hvs))
                if (instances.Where(i => i.Hypervisor == hv).Select(i => i.Name).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } users)
                    throw GanetiException.Prereq(
                        $"Cannot disable hypervisor '{hv}': instance(s) {string.Join(", ", users)} use it", ErrorCodes.WrongState);
            var list = hvs.ToList();
            Edit(c =>
            {
                c.EnabledHypervisors = [.. list];
                foreach (var hv in list) c.Hvparams.TryAdd(hv, ClusterDefaults.Hypervisor(hv));
            });
        }
        if (Op.Hvparams is { } hvp)
            foreach (var (hv, values) in hvp)
            {
                if (!ClusterParameterChecks.KnownHypervisors.Contains(hv))
                    throw GanetiException.WrongInput($"Hypervisor parameters given for unknown hypervisor '{hv}'");
                var defaults = ClusterDefaults.Hypervisor(hv);
                var typed = ClusterParameterChecks.Typed($"{hv} hypervisor", defaults, values);
                Edit(c =>
                {
                    var current = c.Hvparams.TryGetValue(hv, out var p) ? p : ClusterDefaults.Hypervisor(hv);
                    c.Hvparams[hv] = Params.Fill(current, typed);
                });
            }
        if (Op.OsHvp is { } osHvp)
            foreach (var (os, perHv) in osHvp)
            {
                if (os.Length == 0) throw GanetiException.WrongInput("os_hvp names an empty OS");
                foreach (var (hv, values) in perHv)
                {
                    if (!ClusterParameterChecks.KnownHypervisors.Contains(hv))
                        throw GanetiException.WrongInput($"os_hvp for OS '{os}' names unknown hypervisor '{hv}'");
                    if (values.ValueKind == JsonValueKind.Null)
                    {
                        Edit(c => { if (c.OsHvp.TryGetValue(os, out var m)) { m.Remove(hv); if (m.Count == 0) c.OsHvp.Remove(os); } });
                        continue;
                    }
                    if (values.ValueKind != JsonValueKind.Object)
                        throw GanetiException.WrongInput($"os_hvp for OS '{os}' and hypervisor '{hv}' must be a dictionary or null");
                    var changes = values.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
                    var typed = ClusterParameterChecks.Typed($"{hv} hypervisor (os_hvp {os})", ClusterDefaults.Hypervisor(hv), changes, allowDefault: true);
                    Edit(c =>
                    {
                        if (!c.OsHvp.TryGetValue(os, out var m)) c.OsHvp[os] = m = [];
                        var updated = ParameterUpdates.Apply(m.GetValueOrDefault(hv) ?? [], typed);
                        if (updated.Count > 0) m[hv] = updated; else m.Remove(hv);
                        if (m.Count == 0) c.OsHvp.Remove(os);
                    });
                }
            }

        // Backend, NIC, node and disk parameters.
        if (Op.Beparams is { Count: > 0 } be)
        {
            // The cluster level is the bottom layer: there is nothing below to go back to.
            if (be.FirstOrDefault(kv => ParameterUpdates.IsDefault(kv.Value)).Key is { } reset)
                throw GanetiException.WrongInput($"Backend parameter {reset} needs a value at the cluster level ('default' and null are for overrides)");
            var typed = ParameterUpdates.NormalizeBeParams(be);
            Edit(c => c.Beparams["default"] = Params.Fill(c.Beparams.GetValueOrDefault("default"), typed));
        }
        if (Op.Nicparams is { Count: > 0 } nic)
        {
            var raw = nic.ToDictionary(kv => kv.Key, kv => kv.Value is null ? default : Params.Value(kv.Value), StringComparer.Ordinal);
            if (raw.Any(kv => kv.Value.ValueKind == JsonValueKind.Undefined))
                throw GanetiException.WrongInput($"Cluster nicparams cannot be null ({string.Join(", ", raw.Where(kv => kv.Value.ValueKind == JsonValueKind.Undefined).Select(kv => kv.Key))})");
            var typed = ClusterParameterChecks.Typed("NIC", ClusterDefaults.Nic(), raw);
            Edit(c => c.Nicparams["default"] = Params.Fill(c.Nicparams.GetValueOrDefault("default"), typed));
        }
        if (Op.Ndparams is { Count: > 0 } nd)
        {
            var typed = ClusterParameterChecks.Typed("node", ClusterDefaults.Node(), nd);
            if (typed.TryGetValue("spindle_count", out var sc) && sc.GetInt64() < 1)
                throw GanetiException.WrongInput($"Node parameter spindle_count must be positive, got {sc}");
            if (typed.TryGetValue("ssh_port", out var port) && port.GetInt64() is < 1 or > 65535)
                throw GanetiException.WrongInput($"Node parameter ssh_port must be a port number (1-65535), got {port}");
            Edit(c => c.Ndparams = Params.Fill(c.Ndparams, typed));
        }
        if (Op.Diskparams is { } dp)
        {
            var defaults = ClusterDefaults.Disk();
            foreach (var (template, values) in dp)
            {
                if (!defaults.TryGetValue(template, out var tdef))
                    throw GanetiException.WrongInput($"Disk parameters given for unknown disk template '{template}'");
                var typed = ClusterParameterChecks.Typed($"{template} disk", tdef, values);
                if (typed.TryGetValue("access", out var access) && access.GetString() is not ("kernelspace" or "userspace"))
                    throw GanetiException.WrongInput($"Invalid {template} disk parameter access '{access.GetString()}' (kernelspace or userspace)");
                Edit(c => c.Diskparams[template] = Params.Fill(c.Diskparams.GetValueOrDefault(template), typed));
            }
            if (dp.ContainsKey("drbd"))
            {
                Log("Warning: changing DRBD parameters only affects devices created in the future, not existing ones");
                Log("Warning: shut down and start (not reboot) existing instances, or change their secondary node, to adopt the changes");
            }
        }

        // OS parameters.
        foreach (var (what, source, pick) in new (string, Dictionary<string, Dictionary<string, JsonElement>>?, Func<C, Dictionary<string, Dictionary<string, JsonElement>>>)[]
                 {
                     ("osparams", Op.Osparams, c => c.Osparams),
                     ("osparams_private_cluster", Op.OsparamsPrivateCluster, c => c.OsparamsPrivateCluster),
                 })
            foreach (var (os, values) in source ?? [])
            {
                if (os.Length == 0) throw GanetiException.WrongInput($"{what} names an empty OS");
                var changes = new Dictionary<string, JsonElement>(values, StringComparer.Ordinal);
                Edit(c =>
                {
                    var all = pick(c);
                    var updated = ParameterUpdates.Apply(all.GetValueOrDefault(os) ?? [], changes);
                    if (updated.Count > 0) all[os] = updated; else all.Remove(os);
                });
            }

        // Scalars.
        if (Op.CandidatePoolSize is { } pool)
        {
            poolGrows = pool > old.CandidatePoolSize;
            Edit(c => c.CandidatePoolSize = pool);
        }
        if (Op.MaxRunningJobs is { } mrj) Edit(c => c.MaxRunningJobs = mrj);
        if (Op.MaxTrackedJobs is { } mtj) Edit(c => c.MaxTrackedJobs = mtj);
        if (Op.MaintainNodeHealth is { } mnh) Edit(c => c.MaintainNodeHealth = mnh);
        if (Op.PreallocWipeDisks is { } pwd) Edit(c => c.PreallocWipeDisks = pwd);
        if (Op.ModifyEtcHosts is { } meh) Edit(c => c.ModifyEtcHosts = meh);
        if (Op.EnabledUserShutdown is { } eus) Edit(c => c.EnabledUserShutdown = eus);
        if (Op.MacPrefix is { } mac)
        {
            var prefix = ClusterParameterChecks.CheckMacPrefix(mac);
            Edit(c => c.MacPrefix = prefix);
        }
        if (Op.DefaultIallocator is { } ialloc)
        {
            if (ialloc.Length > 0 && ialloc != Allocation.IAllocatorRunner.Hail
                && !Allocation.IAllocatorRunner.PluginDirectories(Master).Any(d => File.Exists(Path.Combine(d, ialloc))))
                throw GanetiException.Prereq($"Invalid default iallocator script '{ialloc}' specified: not found", ErrorCodes.WrongInput);
            Edit(c => c.DefaultIallocator = ialloc);
        }
        if (Op.DefaultIallocatorParams is { } iap)
        {
            var copy = iap.ToDictionary(kv => kv.Key, kv => kv.Value.Clone(), StringComparer.Ordinal);
            Edit(c => c.DefaultIallocatorParams = copy);
        }
        if (Op.ReservedLvs is { } lvs) Edit(c => c.ReservedLvs = [.. lvs]);
        if (Op.UidPool is { } uidPool)
        {
            var parsed = ClusterParameterChecks.ParseUidPool("uid_pool", uidPool);
            Edit(c => c.UidPool = parsed);
        }
        if (Op.AddUids is { } add)
        {
            var parsed = ClusterParameterChecks.ParseUidPool("add_uids", add);
            Edit(c => c.UidPool = ClusterParameterChecks.AddUids(c.UidPool, parsed));
        }
        if (Op.RemoveUids is { } remove)
        {
            var parsed = ClusterParameterChecks.ParseUidPool("remove_uids", remove);
            Edit(c => c.UidPool = ClusterParameterChecks.RemoveUids(c.UidPool, parsed));
        }
        if (Op.HiddenOs is { } hidden)
            Edit(c => c.HiddenOs = ClusterParameterChecks.ModifyOsList("hidden_os", c.HiddenOs, hidden, _ => { }));
        if (Op.BlacklistedOs is { } black)
            Edit(c => c.BlacklistedOs = ClusterParameterChecks.ModifyOsList("blacklisted_os", c.BlacklistedOs, black, _ => { }));
        if (Op.MasterNetdev is { } netdev && netdev != old.MasterNetdev)
            throw GanetiException.Prereq(
                $"Changing the master network device (from '{old.MasterNetdev}' to '{netdev}') is not supported while the cluster runs",
                ErrorCodes.WrongInput);
        if (Op.MasterNetmask is { } netmask && netmask != old.MasterNetmask)
            throw GanetiException.Prereq(
                $"Changing the master netmask (from {old.MasterNetmask} to {netmask}) is not supported while the cluster runs",
                ErrorCodes.WrongInput);
        if (Op.InstallImage is { } install) Edit(c => c.InstallImage = install);
        if (Op.ZeroingImage is { } zeroing) Edit(c => c.ZeroingImage = zeroing);
        if (Op.InstanceCommunicationNetwork is { } icn)
        {
            if (icn.Length > 0 && Cfg.FindNetwork(icn) is null)
                Log($"Warning: network '{icn}' does not exist yet; instances get no communication NIC until it is created");
            Edit(c => c.InstanceCommunicationNetwork = icn);
        }

        // Disk templates and their storage.
        if (Op.EnabledDiskTemplates is { } dts)
        {
            if (dts.Count == 0)
                throw GanetiException.WrongInput("At least one disk template must be enabled (enabled_disk_templates is empty)");
            var unknown = dts.Where(t => !ClusterParameterChecks.KnownDiskTemplates.Contains(t)).ToList();
            if (unknown.Count > 0)
                throw GanetiException.WrongInput(
                    $"Unknown disk template(s) {string.Join(", ", unknown)} (known: {string.Join(", ", ClusterParameterChecks.KnownDiskTemplates.Order(StringComparer.Ordinal))})");
            foreach (var t in old.EnabledDiskTemplates.Except(dts))
                if (instances.Where(i => i.DiskTemplate == t).Select(i => i.Name).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } users)
                    throw GanetiException.Prereq(
                        $"Cannot disable disk template '{t}', because instance(s) {string.Join(", ", users)} use it", ErrorCodes.WrongState);
            var list = dts.Distinct().ToList();
            Edit(c => c.EnabledDiskTemplates = list);
        }
        if (Op.VgName is { } vg)
        {
            if (vg.Length == 0 && Cfg.Disks.Values.Any(d => d.DevType is "plain" or "drbd"))
                throw GanetiException.Prereq("Cannot disable lvm storage while lvm-based instances exist", ErrorCodes.WrongInput);
            Edit(c => c.VolumeGroupName = vg);
        }
        if (Op.DrbdHelper is { } helper) Edit(c => c.DrbdUsermodeHelper = helper);
        if (Op.FileStorageDir is { } fsd) Edit(c => c.FileStorageDir = fsd);
        if (Op.SharedFileStorageDir is { } sfsd) Edit(c => c.SharedFileStorageDir = sfsd);
        if (Op.GlusterStorageDir is { } gsd) Edit(c => c.GlusterStorageDir = gsd);

        if (Op.Ipolicy is { Count: > 0 } ip)
        {
            var changes = new Dictionary<string, JsonElement>(ip, StringComparer.Ordinal);
            Edit(c => c.Ipolicy = ClusterParameterChecks.UpdateIpolicy(c.Ipolicy, changes));
        }

        if (edits.Count == 0)
            throw GanetiException.WrongInput("Please give at least one modification");

        // The checks run on the cluster as it would be.
        var next = GanetiJson.Clone(old);
        foreach (var edit in edits) edit(next);
        if (Op.HiddenOs is { } h) ClusterParameterChecks.ModifyOsList("hidden_os", old.HiddenOs, h, Log);
        if (Op.BlacklistedOs is { } b) ClusterParameterChecks.ModifyOsList("blacklisted_os", old.BlacklistedOs, b, Log);
        CheckStorage(old, next);
        // The policy's allowed disk templates must be enabled (Ganeti's CheckIpolicyVsDiskTemplates)
        // when they are given, and on a cluster whose policy followed the enabled templates so
        // far; a policy that allows every template (this cluster's default) stays valid.
        var followed = old.Ipolicy.TryGetValue("disk-templates", out var allowed)
            && allowed.EnumerateArray().All(t => old.EnabledDiskTemplates.Contains(t.GetString()!));
        if (Op.Ipolicy is { Count: > 0 } || (Op.EnabledDiskTemplates is not null && followed))
            ClusterParameterChecks.CheckIpolicy(next.Ipolicy, next.EnabledDiskTemplates,
                checkTemplates: followed || Op.Ipolicy?.ContainsKey("disk-templates") == true);
        if (Op.Nicparams is { Count: > 0 }) CheckNics(next);
        await CheckHypervisorParamsAsync(old, next, ct).ConfigureAwait(false);
        await CheckNodeStorageAsync(old, next, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// When the enabled templates or their storage (volume group, file directories) change, every
    /// online vm-capable node must be able to hold disks there, as node add checks for one node.
    /// </summary>
    private async Task CheckNodeStorageAsync(C old, C next, CancellationToken ct)
    {
        if (old.EnabledDiskTemplates.ToHashSet(StringComparer.Ordinal).SetEquals(next.EnabledDiskTemplates)
            && old.VolumeGroupName == next.VolumeGroupName && old.FileStorageDir == next.FileStorageDir
            && old.SharedFileStorageDir == next.SharedFileStorageDir)
            return;
        var proposed = GanetiJson.Clone(Cfg);
        proposed.Cluster = next;
        foreach (var node in Cfg.Nodes.Values.Where(n => !n.Offline && n.VmCapable).OrderBy(n => n.Name, StringComparer.Ordinal))
            foreach (var line in await NodeChecks.CheckStorageAsync(Master, proposed, node, ct).ConfigureAwait(false))
                Log(line);
    }

    private void CheckStorage(C old, C next)
    {
        var lvm = next.EnabledDiskTemplates.Any(t => t is "plain" or "drbd");
        if (lvm && string.IsNullOrEmpty(next.VolumeGroupName))
            throw GanetiException.Prereq(Op.VgName is not null
                    ? "Cannot unset the volume group while lvm-based disk templates (plain, drbd) are or get enabled"
                    : "Please specify a volume group (vg_name) when enabling lvm-based disk templates (plain, drbd)",
                ErrorCodes.WrongInput);
        if (next.EnabledDiskTemplates.Contains("drbd") && string.IsNullOrEmpty(next.DrbdUsermodeHelper) && Op.DrbdHelper is not null)
            throw GanetiException.Prereq("Cannot disable the drbd helper while the drbd disk template is enabled", ErrorCodes.WrongInput);
        foreach (var (template, what, dir, given) in new[]
                 {
                     ("file", "file_storage_dir", next.FileStorageDir, Op.FileStorageDir is not null),
                     ("sharedfile", "shared_file_storage_dir", next.SharedFileStorageDir, Op.SharedFileStorageDir is not null),
                     ("gluster", "gluster_storage_dir", next.GlusterStorageDir, Op.GlusterStorageDir is not null),
                 })
        {
            var enabled = next.EnabledDiskTemplates.Contains(template);
            if (enabled && dir.Length == 0 && (given || !old.EnabledDiskTemplates.Contains(template)))
                throw GanetiException.Prereq(
                    $"The '{template}' disk template is enabled, so its storage directory ({what}) cannot be empty", ErrorCodes.WrongInput);
            if (given && !enabled && dir.Length > 0)
                Log($"Warning: {what} is set to '{dir}', but the '{template}' disk template is not enabled");
        }
    }

    private void CheckNics(C next)
    {
        var cluster = next.Nicparams.GetValueOrDefault("default") ?? Params.Empty();
        ClusterParameterChecks.CheckNicParams(cluster);
        var errors = new List<string>();
        foreach (var inst in Cfg.Instances.Values.OrderBy(i => i.Name, StringComparer.Ordinal))
            for (var i = 0; i < inst.Nics.Count; i++)
            {
                var filled = Params.Fill(cluster, inst.Nics[i].Nicparams);
                try
                {
                    ClusterParameterChecks.CheckNicParams(filled, $"instance {inst.Name} nic/{i}");
                    if (Params.GetString(filled, "mode") == "routed" && string.IsNullOrEmpty(inst.Nics[i].Ip))
                        errors.Add($"Instance {inst.Name}, nic/{i}: routed mode requires an IP address");
                }
                catch (GanetiException e) { errors.Add(e.Message); }
            }
        if (errors.Count > 0)
            throw GanetiException.Prereq($"Some NIC parameters would be invalid: {string.Join("; ", errors)}", ErrorCodes.WrongInput);
    }

    /// <summary>
    /// Each enabled hypervisor whose parameters change (or that gets enabled), and each OS
    /// override, is checked by that hypervisor on every online vm-capable node with the
    /// parameters filled as an instance would get them.
    /// </summary>
    private async Task CheckHypervisorParamsAsync(C old, C next, CancellationToken ct)
    {
        var checks = new List<(string Hv, string What, Dictionary<string, JsonElement> Filled)>();
        foreach (var hv in next.EnabledHypervisors)
        {
            var changed = Op.Hvparams?.ContainsKey(hv) == true || !old.EnabledHypervisors.Contains(hv);
            var filled = Params.Fill(ClusterDefaults.Hypervisor(hv), next.Hvparams.GetValueOrDefault(hv));
            if (changed) checks.Add((hv, $"cluster hvparams for {hv}", filled));
            foreach (var (os, perHv) in next.OsHvp)
                if (perHv.TryGetValue(hv, out var osLayer) && (changed || Op.OsHvp?.ContainsKey(os) == true))
                    checks.Add((hv, $"os_hvp for OS {os} and {hv}", Params.Fill(filled, osLayer)));
        }
        if (checks.Count == 0) return;
        var nodes = Cfg.Nodes.Values.Where(n => !n.Offline && n.VmCapable).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        foreach (var (hv, what, filled) in checks)
            foreach (var node in nodes)
            {
                try
                {
                    await Master.Rpc.CallAsync(node, NodeProcedures.HypervisorValidateParams, new { hypervisor = hv, hvparams = filled }, ct)
                        .ConfigureAwait(false);
                }
                catch (GanetiException e)
                {
                    throw GanetiException.Prereq($"Invalid {what} (checked on node {node.Name}): {e.Message}", ErrorCodes.WrongInput);
                }
            }
        foreach (var hv in next.EnabledHypervisors.Where(h => Op.Hvparams?.ContainsKey(h) == true || Op.OsHvp is not null))
            if (Cfg.Instances.Values.Where(i => i.Hypervisor == hv && i.AdminState == AdminStates.Up).Select(i => i.Name)
                    .Order(StringComparer.Ordinal).ToList() is { Count: > 0 } running)
                Log($"Warning: running instance(s) {string.Join(", ", running)} keep their current {hv} parameters until they are restarted");
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var promoted = await Master.Config.UpdateAsync(c =>
        {
            foreach (var edit in edits) edit(c.Cluster);
            var now = ConfigStore.Now();
            c.Cluster.Touch(now);
            if (!poolGrows) return [];
            var nodes = CandidatePool.Fill(c);
            foreach (var n in nodes) n.Touch(now);
            return nodes.Select(n => n.Name).ToList();
        }, ct).ConfigureAwait(false);
        foreach (var name in promoted) Log($"Promoted node {name} to master candidate");
        return null;
    }
}
