namespace Ganeti.Master.Rapi;

/// <summary>The rights a RAPI user can hold (the options column of the users file).</summary>
public static class RapiAccess
{
    public const string Read = "read";
    public const string Write = "write";

    /// <summary>No right needed: anonymous access unless authentication is required.</summary>
    public static readonly IReadOnlyList<string> None = [];

    public static readonly IReadOnlyList<string> WriteOnly = [Write];

    public static readonly IReadOnlyList<string> ReadOrWrite = [Write, Read];
}
