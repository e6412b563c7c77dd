using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Turns Set-GntCluster's parameters into the body of <c>PUT /2/modify</c>
/// (<c>OP_CLUSTER_SET_PARAMS</c>). Nested hashtables keep their shape (per hypervisor, per OS,
/// per disk template); parameter names are lower-cased as Ganeti spells them; the master checks
/// the values.
/// </summary>
public static class ClusterModifyBuilder
{
    /// <summary>The changes; empty when no parameter was given. Malformed hashtables are an ArgumentException.</summary>
    public static JsonObject Build(ClusterModifyParameters p)
    {
        var o = new JsonObject();
        if (p.HypervisorParameter is { } hv) o["hvparams"] = PerName(hv, "HypervisorParameter", "hypervisor", Params);
        if (p.OSHypervisorParameter is { } oshv)
            o["os_hvp"] = PerName(oshv, "OSHypervisorParameter", "OS", (v, what) => PerName(v, what, "hypervisor", Params, allowNull: true), keepCase: true);
        if (p.BackendParameter is { } be) o["beparams"] = Params(be, "BackendParameter");
        if (p.NicParameter is { } nic) o["nicparams"] = Params(nic, "NicParameter");
        if (p.NodeParameter is { } nd) o["ndparams"] = Params(nd, "NodeParameter");
        if (p.DiskParameter is { } disk) o["diskparams"] = PerName(disk, "DiskParameter", "disk template", Params);
        if (p.InstancePolicy is { } ipol) o["ipolicy"] = Params(ipol, "InstancePolicy");
        if (p.OSParameter is { } osp) o["osparams"] = PerName(osp, "OSParameter", "OS", Params, keepCase: true);
        if (p.OSParameterPrivate is { } ospp) o["osparams_private_cluster"] = PerName(ospp, "OSParameterPrivate", "OS", Params, keepCase: true);
        if (p.IAllocatorParameter is { } iap) o["default_iallocator_params"] = Params(iap, "IAllocatorParameter");
        if (p.CandidatePoolSize is { } cps) o["candidate_pool_size"] = cps;
        if (p.MaxRunningJobs is { } mrj) o["max_running_jobs"] = mrj;
        if (p.MaxTrackedJobs is { } mtj) o["max_tracked_jobs"] = mtj;
        if (p.EnabledHypervisors is { } hvs) o["enabled_hypervisors"] = Strings(hvs.Select(h => h.ToLowerInvariant()));
        if (p.EnabledDiskTemplates is { } dts) o["enabled_disk_templates"] = Strings(dts.Select(t => t.ToLowerInvariant()));
        if (p.DefaultIAllocator is { } ia) o["default_iallocator"] = ia;
        if (p.MaintainNodeHealth is { } mnh) o["maintain_node_health"] = mnh;
        if (p.PreallocWipeDisks is { } pwd) o["prealloc_wipe_disks"] = pwd;
        if (p.ModifyEtcHosts is { } meh) o["modify_etc_hosts"] = meh;
        if (p.EnabledUserShutdown is { } eus) o["enabled_user_shutdown"] = eus;
        if (p.MacPrefix is { } mac) o["mac_prefix"] = mac;
        if (p.VolumeGroupName is { } vg) o["vg_name"] = vg;
        if (p.DrbdHelper is { } dh) o["drbd_helper"] = dh;
        if (p.FileStorageDir is { } fsd) o["file_storage_dir"] = fsd;
        if (p.SharedFileStorageDir is { } sfsd) o["shared_file_storage_dir"] = sfsd;
        if (p.ReservedLvs is { } lvs) o["reserved_lvs"] = Strings(lvs);
        if (p.UidPool is { } pool) o["uid_pool"] = UidRanges(pool, "UidPool");
        if (p.AddUid is { } add) o["add_uids"] = UidRanges(add, "AddUid");
        if (p.RemoveUid is { } remove) o["remove_uids"] = UidRanges(remove, "RemoveUid");
        if (OsMods(p.AddHiddenOS, p.RemoveHiddenOS) is { } hidden) o["hidden_os"] = hidden;
        if (OsMods(p.AddBlacklistedOS, p.RemoveBlacklistedOS) is { } black) o["blacklisted_os"] = black;
        return o;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static JsonArray? OsMods(string[]? add, string[]? remove)
    {
        if (add is null && remove is null) return null;
        var mods = (add ?? []).Select(os => ("add", os)).Concat((remove ?? []).Select(os => ("remove", os)));
        return new JsonArray(mods.Select(m => (JsonNode?)new JsonArray(m.Item1, m.os)).ToArray());
    }

    /// <summary>"1000-1009" or "1000" as Ganeti's [low, high] user-id pairs.</summary>
    public static JsonArray UidRanges(IEnumerable<string> ranges, string parameter)
    {
        var result = new JsonArray();
        foreach (var r in ranges)
        {
            var parts = r.Split('-', 2, StringSplitOptions.TrimEntries);
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var lo)
                || !int.TryParse(parts.Length == 2 ? parts[1] : parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hi))
                throw new ArgumentException($"-{parameter}: '{r}' is not a user id or a range like 1000-1009.");
            result.Add(new JsonArray(lo, hi));
        }
        return result;
    }

    internal static JsonObject PerName(IDictionary d, string parameter, string what, Func<IDictionary, string, JsonNode> inner,
        bool allowNull = false, bool keepCase = false)
    {
        var o = new JsonObject();
        foreach (DictionaryEntry e in d)
        {
            var name = e.Key.ToString()!;
            if (!keepCase) name = name.ToLowerInvariant();
            var value = Unwrap(e.Value);
            o[name] = value switch
            {
                null when allowNull => null,
                IDictionary inner2 => inner(inner2, $"{parameter}['{name}']"),
                _ => throw new ArgumentException(
                    $"-{parameter}: the value for {what} '{name}' must be a hashtable of parameters{(allowNull ? " or $null" : "")}, got {(value is null ? "$null" : value.GetType().Name)}."),
            };
        }
        return o;
    }

    internal static JsonObject Params(IDictionary d, string parameter)
    {
        var o = new JsonObject();
        foreach (DictionaryEntry e in d)
            o[e.Key.ToString()!.ToLowerInvariant()] = Json(e.Value, $"-{parameter} key '{e.Key}'");
        return o;
    }

    /// <summary>A PowerShell value as JSON: hashtables as objects, arrays as lists, $null as null.</summary>
    public static JsonNode? Json(object? value, string where)
    {
        value = Unwrap(value);
        return value switch
        {
            null => null,
            string s => JsonValue.Create(s),
            bool b => JsonValue.Create(b),
            int or long or short or byte or sbyte or ushort or uint => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
            ulong u => JsonValue.Create(u),
            double or float or decimal => JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            IDictionary d => new JsonObject(d.Cast<DictionaryEntry>().Select(e =>
                new KeyValuePair<string, JsonNode?>(e.Key.ToString()!, Json(e.Value, where)))),
            IEnumerable list => new JsonArray(list.Cast<object?>().Select(v => Json(v, where)).ToArray()),
            Enum en => JsonValue.Create(en.ToString()),
            _ => throw new ArgumentException($"{where}: a {value.GetType().Name} cannot be sent to the cluster; use a string, number, boolean, array or hashtable."),
        };
    }

    /// <summary>PowerShell hands values wrapped in PSObject; the JSON writer needs the base object.</summary>
    private static object? Unwrap(object? v)
    {
        if (v is null) return null;
        var baseObject = v.GetType().GetProperty("BaseObject")?.GetValue(v);
        return baseObject ?? v;
    }
}
