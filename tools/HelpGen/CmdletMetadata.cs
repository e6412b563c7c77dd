namespace Ganeti.HelpGen;

/// <summary>What a cmdlet declares, read from its compiled attributes.</summary>
public sealed record CmdletMetadata(
    string Verb,
    string Noun,
    string TypeName,
    bool SupportsShouldProcess,
    string ConfirmImpact,
    string? DefaultParameterSet,
    IReadOnlyList<string> OutputTypes,
    IReadOnlyList<ParameterMetadata> Parameters)
{
    public string Name => $"{Verb}-{Noun}";
}

/// <summary>One parameter; <see cref="Sets"/> holds one entry per [Parameter] attribute.</summary>
public sealed record ParameterMetadata(
    string Name,
    string TypeName,
    IReadOnlyList<string> Aliases,
    bool SupportsWildcards,
    bool IsSwitch,
    IReadOnlyList<ParameterSetMetadata> Sets,
    IReadOnlyList<string> ValidValues);

public sealed record ParameterSetMetadata(string SetName, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);
