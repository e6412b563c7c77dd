using System.Text.Json;

namespace Ganeti.Master.Config;

/// <summary>Ganeti's parameter defaults (hypervisor, backend, node, disk, NIC, instance policy) for a new cluster.</summary>
public static class ClusterDefaults
{
    private static readonly Lazy<JsonElement> Doc = new(() =>
    {
        using var stream = typeof(ClusterDefaults).Assembly.GetManifestResourceStream("Ganeti.Master.Defaults.json")
            ?? throw new InvalidOperationException("Defaults.json is not embedded");
        return JsonDocument.Parse(stream).RootElement.Clone();
    });

    private static Dictionary<string, JsonElement> Dict(JsonElement e) =>
        e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);

    public static Dictionary<string, JsonElement> Hypervisor(string name) =>
        Doc.Value.GetProperty("hypervisor_param_defaults").TryGetProperty(name, out var hv) ? Dict(hv) : [];

    public static IReadOnlyList<string> Hypervisors =>
        Doc.Value.GetProperty("hypervisor_param_defaults").EnumerateObject().Select(p => p.Name).ToList();

    public static Dictionary<string, JsonElement> Backend() => Dict(Doc.Value.GetProperty("backend_param_defaults"));

    public static Dictionary<string, JsonElement> Node() => Dict(Doc.Value.GetProperty("node_param_defaults"));

    public static Dictionary<string, JsonElement> Nic() => Dict(Doc.Value.GetProperty("nic_param_defaults"));

    public static Dictionary<string, Dictionary<string, JsonElement>> Disk() =>
        Doc.Value.GetProperty("disk_param_defaults").EnumerateObject().ToDictionary(p => p.Name, p => Dict(p.Value), StringComparer.Ordinal);

    public static Dictionary<string, JsonElement> InstancePolicy() => Dict(Doc.Value.GetProperty("ipolicy_defaults"));
}
