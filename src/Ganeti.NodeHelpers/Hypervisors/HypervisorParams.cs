using System.Text.Json;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Hypervisors;

/// <summary>Checks shared by hypervisors' parameter validation.</summary>
public static class HypervisorParams
{
    /// <summary>Rejects keys the hypervisor does not know, naming them.</summary>
    public static void RejectUnknown(string hypervisor, IReadOnlyDictionary<string, JsonElement> hvparams,
        IReadOnlyDictionary<string, JsonElement> known)
    {
        var unknown = hvparams.Keys.Where(k => !known.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw GanetiException.WrongInput(
                $"Unknown hypervisor parameter(s) for {hypervisor}: {string.Join(", ", unknown)}");
    }

    public static JsonElement Value<T>(T value) => JsonSerializer.SerializeToElement(value);
}
