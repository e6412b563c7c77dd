namespace Ganeti.Master.Rapi;

/// <summary>One line of the users file: name, stored password (with its scheme) and rights.</summary>
public sealed record RapiUser(string Name, string Password, IReadOnlyList<string> Options)
{
    /// <summary>True if the user holds any of the given rights.</summary>
    public bool HasAny(IReadOnlyList<string> rights) => rights.Any(r => Options.Contains(r, StringComparer.Ordinal));
}
