namespace Ganeti.NodeHelpers.Os;

/// <summary>
/// One OS directory as os_diagnose reports it (Ganeti's tuple name, path, status, diagnose,
/// variants, parameters, api_versions, trusted). An invalid definition has status false, the
/// reason in diagnose and empty lists. Checksum (an extension) is the SHA-256 of the definition's
/// files, so the master can tell two nodes whose same-named OS runs different scripts.
/// </summary>
public sealed record OsDiagnosis(
    string Name,
    string Path,
    bool Status,
    string Diagnose,
    IReadOnlyList<string> Variants,
    IReadOnlyList<IReadOnlyList<string>> Parameters,
    IReadOnlyList<int> ApiVersions,
    bool Trusted,
    string Checksum = "")
{
    public static OsDiagnosis Valid(OsDefinition os) => new(os.Name, os.Path, true, "", os.Variants,
        [.. os.Parameters.Select(p => (IReadOnlyList<string>)[p.Name, p.Documentation])], os.ApiVersions, os.Trusted,
        OsDiscovery.Checksum(os.Path));

    public static OsDiagnosis Invalid(string name, string path, string reason) => new(name, path, false, reason, [], [], [], true);
}
