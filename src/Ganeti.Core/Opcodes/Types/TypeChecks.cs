using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Ganeti.Core.Opcodes.Types;

/// <summary>The primitive checks Ganeti's type descriptions are built from.</summary>
internal static class TypeChecks
{
    /// <summary>Ganeti's storage types (TStorageType, printed as a Python function in the spec).</summary>
    public static readonly string[] StorageTypes =
        ["diskless", "ext", "file", "gluster", "lvm-pv", "lvm-vg", "rbd", "sharedfile"];

    public static bool Anything(JsonElement v) => true;

    public static bool None(JsonElement v) => v.ValueKind == JsonValueKind.Null;

    public static bool Boolean(JsonElement v) => v.ValueKind is JsonValueKind.True or JsonValueKind.False;

    public static bool String(JsonElement v) => v.ValueKind == JsonValueKind.String;

    public static bool NonEmptyString(JsonElement v) => v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0;

    public static bool Array(JsonElement v) => v.ValueKind == JsonValueKind.Array;

    public static bool Float(JsonElement v) => v.ValueKind == JsonValueKind.Number;

    /// <summary>An integral number; 10.0 counts, as JSON writers may produce it.</summary>
    public static bool Integer(JsonElement v) => TryGetInteger(v, out _);

    // Ganeti prints TNonNegative(TInt) and TPositive(TInt) by the outer name only; both are integers.
    public static bool NonNegative(JsonElement v) => TryGetInteger(v, out var n) && n >= 0;

    public static bool Positive(JsonElement v) => TryGetInteger(v, out var n) && n > 0;

    /// <summary>An absolute job id: a non-negative integer or its decimal string.</summary>
    public static bool JobId(JsonElement v) =>
        (TryGetInteger(v, out var n) && n >= 0) ||
        (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out _));

    /// <summary>A job id relative to the jobs submitted together: -1 is the previous one.</summary>
    public static bool RelativeJobId(JsonElement v) => TryGetInteger(v, out var n) && n < 0;

    public static Func<JsonElement, bool> LessThan(double limit) =>
        v => v.ValueKind == JsonValueKind.Number && v.GetDouble() < limit;

    public static Func<JsonElement, bool> Length(int length) => v => v.ValueKind switch
    {
        JsonValueKind.Array => v.GetArrayLength() == length,
        JsonValueKind.String => v.GetString()!.Length == length,
        JsonValueKind.Object => v.EnumerateObject().Count() == length,
        _ => false,
    };

    public static Func<JsonElement, bool> OneOf(IReadOnlyList<string> items)
    {
        // Ganeti prints the members without quotes: "OneOf 0, 10, -10" is a set of numbers.
        var strings = new HashSet<string>(StringComparer.Ordinal);
        var numbers = new HashSet<long>();
        foreach (var item in items)
        {
            if (long.TryParse(item, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                numbers.Add(n);
            else
                strings.Add(item);
        }
        return v => v.ValueKind switch
        {
            JsonValueKind.String => strings.Contains(v.GetString()!),
            JsonValueKind.Number => TryGetInteger(v, out var n) && numbers.Contains(n),
            _ => false,
        };
    }

    public static Func<JsonElement, bool> ListOf(Func<JsonElement, bool> item) =>
        v => v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(item);

    public static Func<JsonElement, bool> TupleOf(IReadOnlyList<Func<JsonElement, bool>> items) =>
        v => v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == items.Count &&
             v.EnumerateArray().Select((e, i) => items[i](e)).All(ok => ok);

    /// <summary>Checks the listed positions of an array; other positions are not looked at.</summary>
    public static Func<JsonElement, bool> Items(IReadOnlyList<(int Index, Func<JsonElement, bool> Check)> items) =>
        v => v.ValueKind == JsonValueKind.Array &&
             items.All(it => it.Index < v.GetArrayLength() && it.Check(v[it.Index]));

    public static Func<JsonElement, bool> DictOf(Func<JsonElement, bool> key, Func<JsonElement, bool> value) =>
        v => v.ValueKind == JsonValueKind.Object &&
             v.EnumerateObject().All(p => key(JsonSerializer.SerializeToElement(p.Name)) && value(p.Value));

    public static Func<JsonElement, bool> Or(IReadOnlyList<Func<JsonElement, bool>> alternatives) =>
        v => alternatives.Any(a => a(v));

    public static Func<JsonElement, bool> And(IReadOnlyList<Func<JsonElement, bool>> parts) =>
        v => parts.All(p => p(v));

    public static bool Ipv4Address(JsonElement v) =>
        v.ValueKind == JsonValueKind.String && IsIpv4(v.GetString()!);

    public static bool Ipv6Address(JsonElement v) =>
        v.ValueKind == JsonValueKind.String && IsIpv6(v.GetString()!);

    public static bool Ipv4Network(JsonElement v) =>
        v.ValueKind == JsonValueKind.String && IsNetwork(v.GetString()!, IsIpv4, 32);

    public static bool Ipv6Network(JsonElement v) =>
        v.ValueKind == JsonValueKind.String && IsNetwork(v.GetString()!, IsIpv6, 128);

    public static bool TryGetInteger(JsonElement v, out long value)
    {
        value = 0;
        if (v.ValueKind != JsonValueKind.Number)
            return false;
        if (v.TryGetInt64(out value))
            return true;
        var d = v.GetDouble();
        if (double.IsFinite(d) && Math.Floor(d) == d && d >= long.MinValue && d <= long.MaxValue)
        {
            value = (long)d;
            return true;
        }
        return false;
    }

    // IPAddress.TryParse takes "10" or "10.1" as IPv4; Ganeti wants the dotted quad.
    private static bool IsIpv4(string s) =>
        s.Split('.').Length == 4 && IPAddress.TryParse(s, out var a) && a.AddressFamily == AddressFamily.InterNetwork;

    private static bool IsIpv6(string s) =>
        s.Contains(':') && IPAddress.TryParse(s, out var a) && a.AddressFamily == AddressFamily.InterNetworkV6;

    private static bool IsNetwork(string s, Func<string, bool> isAddress, int maxPrefix)
    {
        var slash = s.IndexOf('/');
        if (slash < 0)
            return isAddress(s);
        return isAddress(s[..slash]) &&
               int.TryParse(s[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) &&
               prefix <= maxPrefix;
    }
}
