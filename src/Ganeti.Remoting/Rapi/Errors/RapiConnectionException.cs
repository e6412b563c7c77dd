namespace Ganeti.Remoting.Rapi.Errors;

/// <summary>The master could not be reached or did not answer in time.</summary>
public sealed class RapiConnectionException : RapiException
{
    public RapiConnectionException(RapiErrorKind kind, string message, Exception? inner = null)
        : base(kind, message, inner)
    {
    }

    /// <summary>The address we tried, host:port.</summary>
    public string? Endpoint { get; init; }
}
