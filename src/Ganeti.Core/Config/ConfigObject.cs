using System.Text.Json;

namespace Ganeti.Core.Config;

/// <summary>Fields every Ganeti config object carries: identity, tags and change tracking.</summary>
public abstract class ConfigObject
{
    public string Uuid { get; set; } = "";
    public int SerialNo { get; set; } = 1;
    public double Ctime { get; set; }
    public double Mtime { get; set; }
    public List<string> Tags { get; set; } = [];

    /// <summary>Bumps serial_no and mtime, as every modification must.</summary>
    public void Touch(double now)
    {
        SerialNo++;
        Mtime = now;
    }
}

/// <summary>An object with a human-facing unique name.</summary>
public abstract class NamedConfigObject : ConfigObject
{
    public string Name { get; set; } = "";
}

/// <summary>Parameter dictionaries (hvparams, beparams, ...) keep Ganeti's loose JSON values.</summary>
public static class Params
{
    public static Dictionary<string, JsonElement> Empty() => new(StringComparer.Ordinal);

    /// <summary>Layers parameter dictionaries: later layers override earlier ones.</summary>
    public static Dictionary<string, JsonElement> Fill(params IReadOnlyDictionary<string, JsonElement>?[] layers)
    {
        var result = Empty();
        foreach (var layer in layers)
        {
            if (layer is null) continue;
            foreach (var (k, v) in layer)
                result[k] = v;
        }
        return result;
    }

    public static string? GetString(IReadOnlyDictionary<string, JsonElement> p, string key) =>
        p.TryGetValue(key, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => v.ToString(),
        } : null;

    public static long? GetInt(IReadOnlyDictionary<string, JsonElement> p, string key)
    {
        if (!p.TryGetValue(key, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l)) return l;
        if (v.ValueKind == JsonValueKind.Number) return (long)v.GetDouble();
        if (v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), out var s)) return s;
        return null;
    }

    public static bool? GetBool(IReadOnlyDictionary<string, JsonElement> p, string key)
    {
        if (!p.TryGetValue(key, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => v.GetDouble() != 0,
            JsonValueKind.String => v.GetString() is "true" or "True" or "1" or "yes",
            _ => null,
        };
    }

    public static JsonElement Value<T>(T value) => JsonSerializer.SerializeToElement(value);
}
