using System.Collections;
using System.Collections.Specialized;
using System.Text.Json.Nodes;

namespace Ganeti.Remoting.Rapi;

/// <summary>
/// Lenient readers for RAPI field dictionaries. Ganeti versions differ in small ways (job ids as
/// numbers or strings, booleans as 0/1, timestamps as floats or [sec, usec]); a missing or
/// null field reads as null, so a query with a subset of fields maps into the same types.
/// </summary>
public static class JsonFields
{
    public static string? Str(JsonObject o, string name) => Str(o[name]);

    public static string? Str(JsonNode? n) => n switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => n.ToJsonString(),
    };

    public static long? Long(JsonObject o, string name) => Long(o[name]);

    public static long? Long(JsonNode? n)
    {
        if (n is not JsonValue v) return null;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<double>(out var d)) return (long)d;
        if (v.TryGetValue<string>(out var s) && long.TryParse(s, out var p)) return p;
        if (v.TryGetValue<bool>(out var b)) return b ? 1 : 0;
        return null;
    }

    /// <summary>A number from a plain value (see <see cref="ToPlain"/>).</summary>
    public static long? PlainLong(object? v) => v switch
    {
        long l => l,
        int i => i,
        double d => (long)d,
        string s when long.TryParse(s, out var p) => p,
        _ => null,
    };

    public static int? Int(JsonObject o, string name) => Long(o[name]) is { } l ? (int)l : null;

    public static bool? Bool(JsonObject o, string name) => Bool(o[name]);

    public static bool? Bool(JsonNode? n)
    {
        if (n is not JsonValue v) return null;
        if (v.TryGetValue<bool>(out var b)) return b;
        if (v.TryGetValue<long>(out var l)) return l != 0;
        if (v.TryGetValue<string>(out var s))
            return s is "1" or "true" or "True" or "yes" or "up" ? true : s is "0" or "false" or "False" or "no" or "down" or "" ? false : null;
        return null;
    }

    public static string[] StrList(JsonObject o, string name) => StrList(o[name]);

    public static string[] StrList(JsonNode? n) =>
        n is JsonArray a ? a.Select(x => Str(x) ?? "").ToArray() : [];

    /// <summary>A list whose elements may be null (Ganeti fills unset NIC IPs and names with null).</summary>
    public static string?[] NullableStrList(JsonObject o, string name) =>
        o[name] is JsonArray a ? a.Select(Str).ToArray() : [];

    public static long?[] LongList(JsonObject o, string name) =>
        o[name] is JsonArray a ? a.Select(Long).ToArray() : [];

    /// <summary>Ganeti's times: a float of seconds (ctime/mtime) or a [sec, usec] pair (jobs).</summary>
    public static DateTime? Time(JsonNode? n)
    {
        switch (n)
        {
            case JsonArray { Count: 2 } a when Long(a[0]) is { } sec:
                return DateTime.UnixEpoch.AddSeconds(sec).AddTicks((Long(a[1]) ?? 0) * 10);
            case JsonValue v when v.TryGetValue<double>(out var d):
                return DateTime.UnixEpoch.AddTicks((long)(d * TimeSpan.TicksPerSecond));
            case JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out var ds):
                return DateTime.UnixEpoch.AddTicks((long)(ds * TimeSpan.TicksPerSecond));
            default:
                return null;
        }
    }

    public static DateTime? Time(JsonObject o, string name) => Time(o[name]);

    /// <summary>
    /// JSON as plain .NET values (string, long, double, bool, null, object[] and an
    /// insertion-ordered, case-insensitive dictionary) so PowerShell shows and indexes them naturally.
    /// </summary>
    public static object? ToPlain(JsonNode? n)
    {
        switch (n)
        {
            case null:
                return null;
            case JsonObject o:
                var d = new ParamDictionary();
                foreach (var (k, v) in o)
                    d[k] = ToPlain(v);
                return d;
            case JsonArray a:
                return a.Select(ToPlain).ToArray();
            case JsonValue v:
                if (v.TryGetValue<bool>(out var b)) return b;
                if (v.TryGetValue<long>(out var l)) return l;
                if (v.TryGetValue<double>(out var dbl)) return dbl;
                if (v.TryGetValue<string>(out var s)) return s;
                return v.ToJsonString();
            default:
                return n.ToJsonString();
        }
    }

    public static ParamDictionary Dict(JsonObject o, string name) =>
        ToPlain(o[name]) as ParamDictionary ?? new ParamDictionary();
}

/// <summary>
/// Parameter dictionaries (beparams, hvparams, ...): insertion-ordered, case-insensitive keys,
/// an IDictionary so PowerShell indexes them like a hashtable (<c>$i.BeParams.vcpus</c>).
/// </summary>
public sealed class ParamDictionary : OrderedDictionary
{
    public ParamDictionary() : base(StringComparer.OrdinalIgnoreCase)
    {
    }

    public override string ToString() =>
        "{" + string.Join(", ", this.Cast<DictionaryEntry>().Select(e => $"{e.Key}={Format(e.Value)}")) + "}";

    private static string Format(object? v) => v switch
    {
        null => "",
        bool b => b ? "true" : "false",
        object[] a => "[" + string.Join(",", a.Select(Format)) + "]",
        _ => v.ToString() ?? "",
    };
}
