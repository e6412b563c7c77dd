using System.Net;

namespace Ganeti.Remoting.Rapi.Errors;

/// <summary>
/// A RAPI call that failed. Carries the HTTP status, Ganeti's error body
/// (<c>{code, message, explain}</c>) and, when the master gave one, Ganeti's error kind
/// (ECODE such as <c>wrong_input</c>).
/// </summary>
public class RapiException : Exception
{
    public RapiException(RapiErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    public RapiErrorKind Kind { get; }

    /// <summary>The HTTP status, or null when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>Ganeti's error kind (one of <see cref="Ganeti.Core.Errors.ErrorCodes"/>), when known.</summary>
    public string? Ecode { get; init; }

    /// <summary>The server's own message, without the HTTP decoration.</summary>
    public string? ServerMessage { get; init; }

    /// <summary>The <c>explain</c> member of Ganeti's error body.</summary>
    public string? Explain { get; init; }

    /// <summary>The request that failed, e.g. <c>PUT /2/instances/web1/startup</c>.</summary>
    public string? Request { get; init; }
}
