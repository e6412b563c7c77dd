using System.Text.Json;
using Ganeti.Core.Config;

namespace Ganeti.Daemon.Cli;

/// <summary>Parses Ganeti's command-line parameter syntax: "key=value,key=value" and "hv:key=value,...".</summary>
public static class ParamParser
{
    public static Dictionary<string, JsonElement> KeyValues(string text, string option)
    {
        var result = Params.Empty();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                // Ganeti's "no_key" / "key" forms for booleans.
                if (part.StartsWith("no_", StringComparison.Ordinal)) result[part[3..]] = Params.Value(false);
                else result[part] = Params.Value(true);
                continue;
            }
            var key = part[..eq];
            var value = part[(eq + 1)..];
            result[key] = value switch
            {
                "true" or "True" => Params.Value(true),
                "false" or "False" => Params.Value(false),
                _ when long.TryParse(value, out var l) => Params.Value(l),
                _ => Params.Value(value),
            };
        }
        if (result.Count == 0) throw new UsageException($"option {option} needs key=value pairs");
        return result;
    }

    /// <summary>"kvm:kvm_flag=disabled,acpi=false" → ("kvm", {kvm_flag: "disabled", acpi: false}).</summary>
    public static (string Hypervisor, Dictionary<string, JsonElement> Params) HypervisorParams(string text)
    {
        var colon = text.IndexOf(':');
        if (colon <= 0) throw new UsageException($"option -H needs the form hypervisor:key=value,..., got '{text}'");
        return (text[..colon], KeyValues(text[(colon + 1)..], "-H"));
    }
}
