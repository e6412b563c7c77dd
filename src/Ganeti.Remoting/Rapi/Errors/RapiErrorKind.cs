namespace Ganeti.Remoting.Rapi.Errors;

/// <summary>Why a RAPI call failed, at the level a caller acts on.</summary>
public enum RapiErrorKind
{
    /// <summary>The master could not be reached: refused, unresolvable, reset, TLS handshake broken.</summary>
    ConnectionFailed,
    /// <summary>The master did not answer in time.</summary>
    Timeout,
    /// <summary>The master's certificate is not the one we trust.</summary>
    CertificateUntrusted,
    /// <summary>HTTP 401: no credentials, or wrong user name or password.</summary>
    AuthenticationFailed,
    /// <summary>HTTP 403: the user lacks the right (read or write) the resource needs.</summary>
    Forbidden,
    /// <summary>HTTP 404: the resource or the named object does not exist.</summary>
    NotFound,
    /// <summary>HTTP 400 (and other 4xx): the request was refused as invalid.</summary>
    BadRequest,
    /// <summary>HTTP 405 or 501: the master does not serve this method or resource.</summary>
    NotSupported,
    /// <summary>HTTP 409: the request conflicts with the current state.</summary>
    Conflict,
    /// <summary>HTTP 502/503/504: the master is unreachable behind RAPI, the queue is full or drained.</summary>
    Unavailable,
    /// <summary>HTTP 500: the master failed internally.</summary>
    ServerError,
    /// <summary>The answer was not what the protocol allows (not JSON, wrong shape).</summary>
    Protocol,
}
