namespace Ganeti.Master.Rapi;

/// <summary>
/// An HTTP error answered in Ganeti's style: status code, a message (the status text when
/// none is given) and optional extra headers. Raised anywhere in request handling.
/// </summary>
public sealed class RapiException : Exception
{
    public RapiException(int statusCode, string? message = null, IReadOnlyDictionary<string, string>? headers = null)
        : base(message ?? HttpStatusText.Short(statusCode))
    {
        StatusCode = statusCode;
        Headers = headers ?? new Dictionary<string, string>();
    }

    public int StatusCode { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public static RapiException BadRequest(string message) => new(400, message);
    public static RapiException NotFound(string? message = null) => new(404, message);
    public static RapiException Forbidden(string? message = null) => new(403, message);
    public static RapiException ServiceUnavailable(string message) => new(503, message);
    public static RapiException BadGateway(string message) => new(502, message);
    public static RapiException GatewayTimeout(string message) => new(504, message);
}
