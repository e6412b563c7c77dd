namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Ganeti's CLI option syntax for one disk or NIC: <c>key=value,key=value</c>
/// (<c>link=br0,mode=bridged</c>, <c>size=10G,name=data</c>). Sizes become MiB numbers.
/// </summary>
public static class KeyValueList
{
    private static readonly HashSet<string> SizeKeys = new(StringComparer.OrdinalIgnoreCase) { "size" };
    private static readonly HashSet<string> IntKeys = new(StringComparer.OrdinalIgnoreCase) { "spindles", "vlan" };

    public static Dictionary<string, object?> Parse(string text)
    {
        var d = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
                throw new FormatException($"'{part}' in '{text}' is not key=value.");
            var key = part[..eq].Trim().ToLowerInvariant();
            var value = part[(eq + 1)..].Trim();
            d[key] = SizeKeys.Contains(key) ? SizeParser.ParseMiB(value)
                : IntKeys.Contains(key) && long.TryParse(value, out var n) ? n
                : value;
        }
        return d;
    }
}
