namespace Ganeti.NodeHelpers.Os;

/// <summary>
/// One OS directory as os_diagnose reports it (Ganeti's tuple name, path, status, diagnose,
/// variants, parameters, api_versions, trusted). An invalid definition has status false, the
/// reason in diagnose and empty lists.
/// </summary>
public sealed record OsDiagnosis(
    string Name,
    string Path,
    bool Status,
    string Diagnose,
    IReadOnlyList<string> Variants,
    IReadOnlyList<IReadOnlyList<string>> Parameters,
    IReadOnlyList<int> ApiVersions,
    bool Trusted)
{
    public static OsDiagnosis Valid(OsDefinition os) => new(os.Name, os.Path, true, "", os.Variants,
        [.. os.Parameters.Select(p => (IReadOnlyList<string>)[p.Name, p.Documentation])], os.ApiVersions, os.Trusted);

    public static OsDiagnosis Invalid(string name, string path, string reason) => new(name, path, false, reason, [], [], [], true);
}
