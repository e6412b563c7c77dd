using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;

namespace Ganeti.Master.LogicalUnits.Cluster;

/// <summary>
/// The parameter rules of gnt-cluster modify: keys and value types checked against Ganeti's
/// defaults for the section, the "default"/null removal of per-OS overrides, NIC parameter
/// syntax, the instance policy as a whole, uid pools and MAC prefixes. Every error names the
/// section and the parameter.
/// </summary>
public static partial class ClusterParameterChecks
{
    public static readonly IReadOnlySet<string> KnownHypervisors =
        new HashSet<string>(StringComparer.Ordinal) { "kvm", "fake", "xen-pvm", "xen-hvm", "lxc", "chroot" };

    public static readonly IReadOnlySet<string> KnownDiskTemplates =
        new HashSet<string>(StringComparer.Ordinal) { "diskless", "file", "sharedfile", "plain", "drbd", "blockdev", "rbd", "ext", "gluster" };

    public static readonly IReadOnlySet<string> NicModes = new HashSet<string>(StringComparer.Ordinal) { "bridged", "routed", "openvswitch" };

    private static readonly string[] SpecKeys = ["cpu-count", "disk-count", "disk-size", "memory-size", "nic-count", "spindle-use"];

    /// <summary>
    /// Checks each change against the section's defaults (unknown keys and wrong types are
    /// refused) and returns the values in the type of the default: "512" for an integer
    /// parameter becomes 512, "yes" for a boolean becomes true.
    /// </summary>
    public static Dictionary<string, JsonElement> Typed(string section, IReadOnlyDictionary<string, JsonElement> defaults,
        IReadOnlyDictionary<string, JsonElement> changes, bool allowDefault = false)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            if (!defaults.TryGetValue(key, out var def))
                throw GanetiException.WrongInput(
                    $"Unknown {section} parameter '{key}' (known: {string.Join(", ", defaults.Keys.Order(StringComparer.Ordinal))})");
            if (allowDefault && ParameterUpdates.IsDefault(value)) { result[key] = value; continue; }
            result[key] = Coerce($"{section} parameter {key}", def, value);
        }
        return result;
    }

    /// <summary>The value converted to the kind of <paramref name="like"/>, or a clear error.</summary>
    public static JsonElement Coerce(string what, JsonElement like, JsonElement value)
    {
        switch (like.ValueKind)
        {
            case JsonValueKind.True or JsonValueKind.False:
                if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value;
                if (value.ValueKind == JsonValueKind.String)
                    switch (value.GetString()!.ToLowerInvariant())
                    {
                        case "true" or "yes": return Params.Value(true);
                        case "false" or "no": return Params.Value(false);
                    }
                throw GanetiException.WrongInput($"The {what} must be a boolean, got {value.GetRawText()}");
            case JsonValueKind.Number:
                var isFloat = like.GetRawText().Contains('.', StringComparison.Ordinal);
                double d;
                if (value.ValueKind == JsonValueKind.Number) d = value.GetDouble();
                else if (value.ValueKind == JsonValueKind.String
                         && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
                         && double.IsFinite(parsed)) d = parsed;
                else throw GanetiException.WrongInput($"The {what} must be a {(isFloat ? "number" : "whole number")}, got {value.GetRawText()}");
                if (isFloat) return Params.Value(d);
                if (d != Math.Floor(d) || d > long.MaxValue || d < long.MinValue)
                    throw GanetiException.WrongInput($"The {what} must be a whole number, got {value.GetRawText()}");
                return Params.Value((long)d);
            case JsonValueKind.String:
                if (value.ValueKind == JsonValueKind.String) return value;
                throw GanetiException.WrongInput($"The {what} must be a string, got {value.GetRawText()}");
            default:
                return value.Clone();
        }
    }

    /// <summary>Ganeti's NIC parameter syntax: a known mode, and a link for bridged NICs.</summary>
    public static void CheckNicParams(IReadOnlyDictionary<string, JsonElement> filled, string where = "cluster")
    {
        var mode = Params.GetString(filled, "mode") ?? "";
        if (!NicModes.Contains(mode))
            throw GanetiException.WrongInput(
                $"Invalid NIC mode '{mode}' in the {where} nicparams (valid: {string.Join(", ", NicModes.Order(StringComparer.Ordinal))})");
        if (mode == "bridged" && string.IsNullOrEmpty(Params.GetString(filled, "link")))
            throw GanetiException.WrongInput($"Missing NIC link in the {where} nicparams: bridged NICs need a bridge (link)");
    }

    /// <summary>
    /// The cluster's instance policy with the changes applied as Ganeti applies them at the
    /// cluster level: minmax and disk-templates are replaced, std is merged, the ratios are
    /// replaced, and "default" is refused (the cluster policy has no layer below it).
    /// </summary>
    public static Dictionary<string, JsonElement> UpdateIpolicy(IReadOnlyDictionary<string, JsonElement> current,
        IReadOnlyDictionary<string, JsonElement> changes)
    {
        var result = new Dictionary<string, JsonElement>(current, StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            if (ParameterUpdates.IsDefault(value))
                throw GanetiException.WrongInput($"Can't unset ipolicy attribute '{key}' at the cluster level");
            switch (key)
            {
                case "minmax":
                    if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
                        throw GanetiException.WrongInput("The ipolicy minmax must be a non-empty list of {min, max} specs");
                    result[key] = JsonSerializer.SerializeToElement(value.EnumerateArray().Select((mm, i) =>
                    {
                        if (mm.ValueKind != JsonValueKind.Object)
                            throw GanetiException.WrongInput($"The ipolicy minmax/{i} must be an object with min and max");
                        var extra = mm.EnumerateObject().Select(p => p.Name).Where(n => n is not ("min" or "max")).ToList();
                        if (extra.Count > 0)
                            throw GanetiException.WrongInput($"Unknown key(s) in ipolicy minmax/{i}: {string.Join(", ", extra)}");
                        return new Dictionary<string, Dictionary<string, JsonElement>>
                        {
                            ["min"] = Spec($"minmax/{i}/min", mm, "min", full: true),
                            ["max"] = Spec($"minmax/{i}/max", mm, "max", full: true),
                        };
                    }).ToList());
                    break;
                case "std":
                    if (value.ValueKind != JsonValueKind.Object)
                        throw GanetiException.WrongInput("The ipolicy std must be an object of instance specs");
                    var old = result.TryGetValue("std", out var o) && o.ValueKind == JsonValueKind.Object
                        ? o.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal) : Params.Empty();
                    var std = Spec("std", value, null, full: false);
                    result["std"] = JsonSerializer.SerializeToElement(Params.Fill(old, std));
                    break;
                case "disk-templates":
                    if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
                        throw GanetiException.WrongInput("The ipolicy disk-templates must be a list of disk template names");
                    var bad = value.EnumerateArray().Select(t => t.GetString()!).Where(t => !KnownDiskTemplates.Contains(t)).ToList();
                    if (bad.Count > 0)
                        throw GanetiException.WrongInput($"Invalid disk template(s) in the ipolicy: {string.Join(", ", bad)}");
                    result[key] = value.Clone();
                    break;
                case "vcpu-ratio" or "spindle-ratio":
                    var ratio = Coerce($"ipolicy {key}", Params.Value(1.5), value);
                    if (ratio.GetDouble() <= 0)
                        throw GanetiException.WrongInput($"The ipolicy {key} must be positive, got {value.GetRawText()}");
                    result[key] = ratio;
                    break;
                default:
                    throw GanetiException.WrongInput(
                        $"Unknown ipolicy parameter '{key}' (known: disk-templates, minmax, spindle-ratio, std, vcpu-ratio)");
            }
        }
        return result;
    }

    private static Dictionary<string, JsonElement> Spec(string where, JsonElement parent, string? member, bool full)
    {
        var spec = member is null ? parent : parent.TryGetProperty(member, out var m) ? m
            : throw GanetiException.WrongInput($"Missing ipolicy {where}");
        if (spec.ValueKind != JsonValueKind.Object)
            throw GanetiException.WrongInput($"The ipolicy {where} must be an object of instance specs");
        var result = Params.Empty();
        foreach (var p in spec.EnumerateObject())
        {
            if (!SpecKeys.Contains(p.Name))
                throw GanetiException.WrongInput($"Unknown instance spec '{p.Name}' in ipolicy {where} (known: {string.Join(", ", SpecKeys)})");
            var v = Coerce($"ipolicy {where}/{p.Name}", Params.Value(1), p.Value);
            if (v.GetInt64() < 0)
                throw GanetiException.WrongInput($"The ipolicy {where}/{p.Name} cannot be negative, got {p.Value.GetRawText()}");
            result[p.Name] = v;
        }
        var missing = SpecKeys.Where(k => !result.ContainsKey(k)).ToList();
        if (full && missing.Count > 0)
            throw GanetiException.WrongInput($"Missing instance spec(s) in ipolicy {where}: {string.Join(", ", missing)}");
        return result;
    }

    /// <summary>
    /// The whole policy: every spec present, min &lt;= std &lt;= max for the std spec against
    /// the first minmax pair and min &lt;= max for every pair, positive ratios, allowed disk
    /// templates all enabled on the cluster (unless <paramref name="checkTemplates"/> is false).
    /// </summary>
    public static void CheckIpolicy(IReadOnlyDictionary<string, JsonElement> policy, IReadOnlyCollection<string> enabledDiskTemplates,
        bool checkTemplates = true)
    {
        foreach (var key in new[] { "minmax", "std", "disk-templates", "vcpu-ratio", "spindle-ratio" })
            if (!policy.ContainsKey(key))
                throw GanetiException.WrongInput($"The instance policy has no '{key}'");
        var minmax = policy["minmax"].EnumerateArray().ToList();
        var std = policy["std"];
        for (var i = 0; i < minmax.Count; i++)
            foreach (var spec in SpecKeys)
            {
                var min = minmax[i].GetProperty("min").GetProperty(spec).GetInt64();
                var max = minmax[i].GetProperty("max").GetProperty(spec).GetInt64();
                if (min > max)
                    throw GanetiException.WrongInput($"Invalid instance policy: {spec} has min {min} above max {max} (minmax/{i})");
                if (i == 0 && std.TryGetProperty(spec, out var s) && (s.GetInt64() < min || s.GetInt64() > max))
                    throw GanetiException.WrongInput(
                        $"Invalid instance policy: {spec} std value {s.GetInt64()} is not between min {min} and max {max}");
            }
        foreach (var ratio in new[] { "vcpu-ratio", "spindle-ratio" })
            if (!(policy[ratio].ValueKind == JsonValueKind.Number && policy[ratio].GetDouble() > 0))
                throw GanetiException.WrongInput($"Invalid instance policy: {ratio} must be a positive number");
        if (!checkTemplates) return;
        var notEnabled = policy["disk-templates"].EnumerateArray().Select(t => t.GetString()!)
            .Where(t => !enabledDiskTemplates.Contains(t)).ToList();
        if (notEnabled.Count > 0)
            throw GanetiException.Prereq(
                $"The following disk templates are allowed by the ipolicy, but not enabled on the cluster: {string.Join(", ", notEnabled)}",
                ErrorCodes.WrongInput);
    }

    /// <summary>Ganeti's uid pool syntax: user ids or "a-b" ranges (or [a, b] pairs), each within 0..2^32-1.</summary>
    public static List<List<int>> ParseUidPool(string what, IEnumerable<JsonElement> entries)
    {
        var result = new List<List<int>>();
        foreach (var e in entries)
        {
            long lo, hi;
            if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 2
                && e[0].TryGetInt64(out lo) && e[1].TryGetInt64(out hi)) { }
            else if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out lo)) hi = lo;
            else if (e.ValueKind == JsonValueKind.String && UidRange().Match(e.GetString()!.Trim()) is { Success: true } m)
            {
                lo = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                hi = m.Groups[2].Success ? long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : lo;
            }
            else throw GanetiException.WrongInput($"Invalid user-id range in {what}: {e.GetRawText()}");
            if (lo < 0 || hi > int.MaxValue || lo > hi)
                throw GanetiException.WrongInput($"Invalid user-id range in {what}: {lo}-{hi} (lower bound first, within 0-{int.MaxValue})");
            result.Add([(int)lo, (int)hi]);
        }
        return result;
    }

    /// <summary>Adds ranges to the pool (exact duplicates are not added twice).</summary>
    public static List<List<int>> AddUids(IEnumerable<List<int>> pool, IEnumerable<List<int>> add)
    {
        var result = pool.Select(r => r.ToList()).ToList();
        foreach (var r in add)
            if (!result.Any(x => x[0] == r[0] && x[1] == r[1])) result.Add(r);
        return result;
    }

    /// <summary>Removes ranges from the pool; a range not in the pool is an error, as in Ganeti.</summary>
    public static List<List<int>> RemoveUids(IEnumerable<List<int>> pool, IEnumerable<List<int>> remove)
    {
        var result = pool.Select(r => r.ToList()).ToList();
        foreach (var r in remove)
        {
            var i = result.FindIndex(x => x[0] == r[0] && x[1] == r[1]);
            if (i < 0)
                throw GanetiException.WrongInput($"User-id range {r[0]}-{r[1]} is not in the uid pool");
            result.RemoveAt(i);
        }
        return result;
    }

    /// <summary>Three lower-case hex octets, as Ganeti normalises them.</summary>
    public static string CheckMacPrefix(string prefix)
    {
        var p = prefix.Trim().ToLowerInvariant();
        if (!MacPrefix().IsMatch(p))
            throw GanetiException.WrongInput($"Invalid MAC address prefix '{prefix}' (three hex octets, e.g. aa:00:00)");
        return p;
    }

    /// <summary>
    /// Applies hidden_os/blacklisted_os modifications: a list of [action, os] pairs with
    /// action "add" or "remove". Adding a present OS or removing an absent one is a warning.
    /// </summary>
    public static List<string> ModifyOsList(string what, IReadOnlyList<string> current, IEnumerable<JsonElement> mods, Action<string> warn)
    {
        var result = current.ToList();
        foreach (var m in mods)
        {
            if (m.ValueKind != JsonValueKind.Array || m.GetArrayLength() != 2
                || m[0].ValueKind != JsonValueKind.String || m[1].ValueKind != JsonValueKind.String)
                throw GanetiException.WrongInput($"Invalid {what} modification {m.GetRawText()}: expected [\"add\" or \"remove\", OS name]");
            var (action, os) = (m[0].GetString()!, m[1].GetString()!);
            if (os.Length == 0) throw GanetiException.WrongInput($"Empty OS name in the {what} modification");
            switch (action)
            {
                case "add":
                    if (result.Contains(os)) warn($"OS {os} already in {what}, ignoring");
                    else result.Add(os);
                    break;
                case "remove":
                    if (!result.Remove(os)) warn($"OS {os} not found in {what}, ignoring");
                    break;
                default:
                    throw GanetiException.WrongInput($"Invalid {what} modification action '{action}' (use add or remove)");
            }
        }
        return result;
    }

    [GeneratedRegex(@"^(\d+)(?:\s*-\s*(\d+))?$")]
    private static partial Regex UidRange();

    [GeneratedRegex("^[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$")]
    private static partial Regex MacPrefix();
}
