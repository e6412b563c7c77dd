using System.Text.Json;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;

namespace Ganeti.Master.LogicalUnits;

/// <summary>
/// Changing a parameter dictionary the way Ganeti's modify operations do: a value of
/// "default" (or null) removes the override so the value of the layer below applies again;
/// any other value replaces it. Also the backend-parameter rules every modify shares.
/// </summary>
public static class ParameterUpdates
{
    /// <summary>Ganeti's backend parameters and their kinds.</summary>
    public static readonly IReadOnlyDictionary<string, string> BeParamKinds = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["maxmem"] = "size", ["minmem"] = "size", ["vcpus"] = "int", ["spindle_use"] = "int",
        ["auto_balance"] = "bool", ["always_failover"] = "bool",
    };

    /// <summary>True for the value that removes an override ("default" or null).</summary>
    public static bool IsDefault(JsonElement v) =>
        v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined
        || (v.ValueKind == JsonValueKind.String && v.GetString() == "default");

    /// <summary>The current overrides with the changes applied (a new dictionary).</summary>
    public static Dictionary<string, JsonElement> Apply(IReadOnlyDictionary<string, JsonElement> current,
        IReadOnlyDictionary<string, JsonElement>? changes)
    {
        var result = new Dictionary<string, JsonElement>(current, StringComparer.Ordinal);
        if (changes is null) return result;
        foreach (var (key, value) in changes)
        {
            if (IsDefault(value)) result.Remove(key);
            else result[key] = value;
        }
        return result;
    }

    /// <summary>
    /// Checks backend-parameter changes and turns 'memory' into maxmem and minmem, as Ganeti
    /// does; values keep "default" so they can remove overrides. Sizes and counts become numbers.
    /// </summary>
    public static Dictionary<string, JsonElement> NormalizeBeParams(IReadOnlyDictionary<string, JsonElement> changes)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            var targets = key == "memory" ? new[] { "maxmem", "minmem" } : [key];
            if (!BeParamKinds.TryGetValue(targets[0], out var kind))
                throw GanetiException.WrongInput(
                    $"Unknown backend parameter '{key}' (known: {string.Join(", ", BeParamKinds.Keys.Append("memory"))})");
            var normalized = IsDefault(value) ? value : kind switch
            {
                "bool" => Params.GetBool(new Dictionary<string, JsonElement> { [key] = value }, key) is { } b
                    && value.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.String or JsonValueKind.Number
                    ? Params.Value(b)
                    : throw GanetiException.WrongInput($"Backend parameter {key} must be a boolean, got {value}"),
                "size" => SizeMiB(value) is { } size
                    ? Params.Value(size)
                    : throw GanetiException.WrongInput($"Backend parameter {key} must be a size in MiB, or with a unit (512M, 2G, 1T), got {value}"),
                _ => Params.GetInt(new Dictionary<string, JsonElement> { [key] = value }, key) is { } n && n >= (key == "vcpus" ? 1 : 0)
                    ? Params.Value(n)
                    : throw GanetiException.WrongInput($"Backend parameter {key} must be a {(key == "vcpus" ? "positive" : "non-negative")} integer, got {value}"),
            };
            foreach (var t in targets)
            {
                if (key == "memory" && changes.ContainsKey(t))
                    throw GanetiException.WrongInput($"Backend parameters 'memory' and '{t}' cannot be given together");
                result[t] = normalized;
            }
        }
        return result;
    }

    /// <summary>
    /// A size in MiB as Ganeti's ParseUnit takes it: a non-negative whole number, or a string
    /// with an optional unit m, g or t (MiB, GiB, TiB; "MB", "GiB" and upper case alike), rounded up.
    /// </summary>
    public static long? SizeMiB(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number)
            return value.TryGetInt64(out var l) && l >= 0 ? l : null;
        if (value.ValueKind != JsonValueKind.String) return null;
        var text = value.GetString()!.Trim().ToLowerInvariant();
        if (text.EndsWith("ib", StringComparison.Ordinal)) text = text[..^2];
        else if (text.Length > 1 && text.EndsWith('b')) text = text[..^1];
        var unit = 1.0;
        if (text.Length > 0 && char.IsLetter(text[^1]))
        {
            unit = text[^1] switch { 'm' => 1, 'g' => 1024, 't' => 1024 * 1024, _ => double.NaN };
            text = text[..^1];
        }
        return !double.IsNaN(unit) && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n)
               && n >= 0 && double.IsFinite(n)
            ? (long)Math.Ceiling(n * unit)
            : null;
    }

    /// <summary>Refuses filled backend parameters whose minimum memory is above the maximum.</summary>
    public static void CheckMemoryRange(IReadOnlyDictionary<string, JsonElement> filled)
    {
        if (Params.GetInt(filled, "minmem") is { } min && Params.GetInt(filled, "maxmem") is { } max && min > max)
            throw GanetiException.WrongInput($"Minimum memory ({min} MiB, minmem) cannot be greater than maximum memory ({max} MiB, maxmem)");
    }
}
