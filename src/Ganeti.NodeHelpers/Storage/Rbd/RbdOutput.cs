using System.Text.Json;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage.Rbd;

/// <summary>Parsers of the rbd and ceph CLIs' JSON output.</summary>
public static class RbdOutput
{
    /// <summary>
    /// rbd showmapped --format json: a list of mappings since Ceph 14, an object keyed by
    /// mapping id before.
    /// </summary>
    public static IReadOnlyList<RbdMapping> ParseShowMapped(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
            return [];
        try
        {
            using var doc = JsonDocument.Parse(json);
            var items = doc.RootElement.ValueKind switch
            {
                JsonValueKind.Array => doc.RootElement.EnumerateArray().ToList(),
                JsonValueKind.Object => doc.RootElement.EnumerateObject().Select(p => p.Value).ToList(),
                _ => throw new JsonException("neither a list nor an object"),
            };
            return [.. items.Select(i => new RbdMapping(Str(i, "pool"), Str(i, "name"), Str(i, "snap"), Str(i, "device")))];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw GanetiException.Exec($"Cannot parse rbd showmapped output: {e.Message}");
        }
    }

    /// <summary>ceph df --format json: (stored, max_avail) bytes of a pool, or null when it is not there.</summary>
    public static (long Stored, long MaxAvail)? ParsePoolSpace(string json, string pool)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            foreach (var p in doc.RootElement.GetProperty("pools").EnumerateArray())
            {
                if (p.GetProperty("name").GetString() != pool)
                    continue;
                var stats = p.GetProperty("stats");
                return (stats.GetProperty("stored").GetInt64(), stats.GetProperty("max_avail").GetInt64());
            }
            return null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw GanetiException.Exec($"Cannot parse ceph df output: {e.Message}");
        }
    }

    private static string Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
}
