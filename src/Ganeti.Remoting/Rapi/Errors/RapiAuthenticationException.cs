namespace Ganeti.Remoting.Rapi.Errors;

/// <summary>HTTP 401 (bad or missing credentials) or 403 (the user lacks the needed right).</summary>
public sealed class RapiAuthenticationException : RapiException
{
    public RapiAuthenticationException(RapiErrorKind kind, string message)
        : base(kind, message)
    {
    }

    /// <summary>The user name sent, or null when the request carried no credentials.</summary>
    public string? UserName { get; init; }
}
