using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Ganeti.Remoting.Rapi;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>What Set-GntInstance was asked to change, as the cmdlet bound it.</summary>
public sealed class InstanceModifyParameters
{
    public IDictionary? HvParams { get; init; }
    public IDictionary? BeParams { get; init; }
    public IDictionary? OsParams { get; init; }
    public IDictionary? OsParamsPrivate { get; init; }
    public string? Memory { get; init; }
    public int? VCpus { get; init; }
    public string? RuntimeMemory { get; init; }
    public string? OsName { get; init; }
    public bool ForceVariant { get; init; }
    public bool Offline { get; init; }
    public bool Online { get; init; }
    public string[]? AddNic { get; init; }
    public IDictionary? SetNic { get; init; }
    public string[]? RemoveNic { get; init; }
    public string[]? AddDisk { get; init; }
    public IDictionary? SetDisk { get; init; }
    public string[]? RemoveDisk { get; init; }
    public bool Force { get; init; }
    public bool IgnoreIPolicy { get; init; }
    public bool NoConflictsCheck { get; init; }
}

/// <summary>
/// Turns Set-GntInstance's parameters into the body of <c>PUT /2/instances/I/modify</c>.
/// A hashtable value of $null resets a parameter to its cluster default ("default").
/// NICs and disks use Ganeti's [action, device, parameters] form; a device is an index
/// (negative counts from the end) or a name.
/// </summary>
public static class InstanceModifyBuilder
{
    public static JsonObject Build(InstanceModifyParameters p)
    {
        if (p.Offline && p.Online)
            throw new ArgumentException("-Offline and -Online cannot be used together.");
        var body = new JsonObject();
        if (Params(p.HvParams) is { } hv) body["hvparams"] = hv;
        var be = Params(p.BeParams) ?? new JsonObject();
        if (p.Memory is { } memory) be["memory"] = SizeParser.ParseMiB(memory);
        if (p.VCpus is { } vcpus) be["vcpus"] = vcpus;
        if (be.Count > 0) body["beparams"] = be;
        if (Params(p.OsParams) is { } os) body["osparams"] = os;
        if (Params(p.OsParamsPrivate) is { } osp) body["osparams_private"] = osp;
        if (p.RuntimeMemory is { } rt) body["runtime_mem"] = SizeParser.ParseMiB(rt);
        if (!string.IsNullOrEmpty(p.OsName)) body["os_name"] = p.OsName;
        if (p.ForceVariant) body["force_variant"] = true;
        if (p.Offline) body["offline"] = true;
        if (p.Online) body["offline"] = false;

        var nics = new JsonArray();
        foreach (var spec in p.AddNic ?? [])
            nics.Add(Mod("add", -1, KeyValueList.Parse(spec)));
        foreach (var (device, spec) in Entries(p.SetNic, "-SetNic"))
            nics.Add(Mod("modify", device, spec));
        foreach (var device in p.RemoveNic ?? [])
            nics.Add(Mod("remove", Device(device), null));
        if (nics.Count > 0) body["nics"] = nics;

        var disks = new JsonArray();
        foreach (var spec in p.AddDisk ?? [])
        {
            var d = KeyValueList.Parse(spec);
            if (!d.ContainsKey("size"))
                throw new ArgumentException($"The disk '{spec}' needs a size (size=10G).");
            disks.Add(Mod("add", -1, d));
        }
        foreach (var (device, spec) in Entries(p.SetDisk, "-SetDisk"))
            disks.Add(Mod("modify", device, spec));
        foreach (var device in p.RemoveDisk ?? [])
            disks.Add(Mod("remove", Device(device), null));
        if (disks.Count > 0) body["disks"] = disks;

        if (body.Count == 0)
            throw new ArgumentException(
                "Give at least one change: -HvParams, -BeParams, -Memory, -VCpus, -OsParams, -OsName, -Offline, -Online, " +
                "-RuntimeMemory, -AddNic, -SetNic, -RemoveNic, -AddDisk, -SetDisk or -RemoveDisk.");
        if (p.Force) body["force"] = true;
        if (p.IgnoreIPolicy) body["ignore_ipolicy"] = true;
        if (p.NoConflictsCheck) body["conflicts_check"] = false;
        return body;
    }

    /// <summary>A short description of the change for ShouldProcess.</summary>
    public static string Describe(JsonObject body) =>
        string.Join("; ", body.Where(kv => kv.Key is not ("force" or "ignore_ipolicy" or "conflicts_check" or "force_variant"))
            .Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}"));

    private static JsonArray Mod(string action, object device, IReadOnlyDictionary<string, object?>? spec) =>
        new(action, device is int i ? JsonValue.Create(i) : JsonValue.Create((string)device),
            spec is null ? new JsonObject() : RapiRequests.ToJson(spec));

    /// <summary>An index stays a number; anything else is a device name (or uuid).</summary>
    private static object Device(string text) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? i : text;

    private static IEnumerable<(object Device, IReadOnlyDictionary<string, object?> Spec)> Entries(IDictionary? d, string parameter)
    {
        if (d is null) yield break;
        foreach (DictionaryEntry e in d)
        {
            var key = Unwrap(e.Key)?.ToString() ?? throw new ArgumentException($"{parameter}: a key is empty.");
            IReadOnlyDictionary<string, object?> spec = Unwrap(e.Value) switch
            {
                string s => KeyValueList.Parse(s),
                IDictionary h => InstanceCreateBuilder.Plain(h)!,
                var other => throw new ArgumentException(
                    $"{parameter}: the change for '{key}' must be 'key=value,...' or a hashtable, not {other?.GetType().Name ?? "null"}."),
            };
            if (spec.Count == 0)
                throw new ArgumentException($"{parameter}: no change given for '{key}'.");
            yield return (Device(key), spec);
        }
    }

    private static JsonObject? Params(IDictionary? d)
    {
        if (d is null || d.Count == 0) return null;
        var o = new JsonObject();
        foreach (var (k, v) in InstanceCreateBuilder.Plain(d)!)
            o[k] = v is null ? JsonValue.Create("default") : RapiRequests.ToJsonValue(v);
        return o;
    }

    private static object? Unwrap(object? v) =>
        v is null ? null : v.GetType().GetProperty("BaseObject")?.GetValue(v) ?? v;
}
