namespace Ganeti.NodeHelpers.Os;

/// <summary>
/// A valid OS definition found on disk: its directory, the API versions it declares, its
/// variants and parameters, and the scripts it has (absolute paths by script name).
/// </summary>
public sealed record OsDefinition
{
    public required string Name { get; init; }
    public required string Path { get; init; }
    public required IReadOnlyList<int> ApiVersions { get; init; }
    public IReadOnlyList<string> Variants { get; init; } = [];
    public IReadOnlyList<OsParameter> Parameters { get; init; } = [];
    public required IReadOnlyDictionary<string, string> Scripts { get; init; }

    /// <summary>The highest API version both sides speak; what OS_API_VERSION says.</summary>
    public int ApiVersion => ApiVersions.Where(OsScripts.ApiVersions.Contains).Max();

    /// <summary>Ganeti's rule: an OS with a create_untrusted script is not trusted.</summary>
    public bool Trusted => !Scripts.ContainsKey(OsScripts.CreateUntrusted);

    public string? Script(string name) => Scripts.TryGetValue(name, out var p) ? p : null;
}
