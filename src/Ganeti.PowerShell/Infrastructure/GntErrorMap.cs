using Ganeti.Core.Errors;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Jobs;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Maps failures to error ids and categories. Ganeti's error kinds map as STYLE.md says
/// (unknown_entity → ObjectNotFound, wrong_state → InvalidOperation, ...); a bad connection
/// (unreachable, untrusted certificate, refused credentials) ends the command, anything about
/// one item does not. Category names are ErrorCategory members; the contract test checks them.
/// </summary>
public static class GntErrorMap
{
    /// <summary>Error id and category per Ganeti error kind.</summary>
    public static readonly IReadOnlyDictionary<string, (string Id, string Category)> ByEcode = new Dictionary<string, (string, string)>
    {
        [ErrorCodes.UnknownEntity] = ("GntUnknownEntity", "ObjectNotFound"),
        [ErrorCodes.AlreadyExists] = ("GntAlreadyExists", "ResourceExists"),
        [ErrorCodes.WrongInput] = ("GntWrongInput", "InvalidArgument"),
        [ErrorCodes.WrongState] = ("GntWrongState", "InvalidOperation"),
        [ErrorCodes.InsufficientResources] = ("GntInsufficientResources", "ResourceUnavailable"),
        [ErrorCodes.TempInsufficientResources] = ("GntTempInsufficientResources", "ResourceBusy"),
        [ErrorCodes.Environment] = ("GntEnvironmentError", "DeviceError"),
        [ErrorCodes.Resolver] = ("GntResolverError", "ObjectNotFound"),
        [ErrorCodes.NotUnique] = ("GntResourceNotUnique", "ResourceExists"),
        [ErrorCodes.Fault] = ("GntInternalError", "NotSpecified"),
    };

    public const string NotConnectedId = "GntNotConnected";

    public static GntErrorInfo NotConnected() => new(NotConnectedId, "ConnectionError", true,
        "Not connected to a Ganeti cluster.", "Run Connect-GntCluster -Server <master> first, or pass -Connection.");

    /// <summary>An exact name given to a Get- cmdlet that matches nothing.</summary>
    public static GntErrorInfo NotFound(string noun, string name) =>
        new($"Gnt{noun}NotFound", "ObjectNotFound", false, $"{Spaced(noun)} '{name}' does not exist.",
            $"Run Get-Gnt{noun} to list the {Spaced(noun).ToLowerInvariant()}s that exist.");

    /// <summary>A console asked of an instance that does not run (the master answers 503).</summary>
    public static GntErrorInfo ConsoleUnavailable(string instance) =>
        new("GntWrongState", "InvalidOperation", false, $"Instance '{instance}' is not running, so it has no console.",
            $"Start it first: Start-GntInstance -Name {instance}");

    public static GntErrorInfo Classify(Exception ex)
    {
        switch (ex)
        {
            case RapiCertificateException c:
                return new("GntCertificateUntrusted", "SecurityError", true, c.Message,
                    "Compare the thumbprint with the master's certificate (openssl x509 -noout -fingerprint -sha256 -in " +
                    "/var/lib/ganeti/rapi.pem) and connect with -CertificateThumbprint; if the certificate was renewed, " +
                    "remove the old line from the known_hosts file named above.");
            case RapiAuthenticationException { Kind: RapiErrorKind.Forbidden } f:
                return new("GntAccessDenied", "PermissionDenied", true, f.Message,
                    "Give the user the 'write' right in /var/lib/ganeti/rapi/users on the master, or connect as another user.");
            case RapiAuthenticationException a:
                return new("GntAuthenticationFailed", "AuthenticationError", true, a.Message,
                    "Check the user name and password in /var/lib/ganeti/rapi/users and run Connect-GntCluster -Credential again.");
            case RapiConnectionException { Kind: RapiErrorKind.Timeout } t:
                return new("GntTimeout", "OperationTimeout", true, t.Message, "Check that the master is running and reachable.");
            case RapiConnectionException conn:
                return new("GntConnectionFailed", "ConnectionError", true, conn.Message,
                    "Check that 'ganetid master' runs on the master and serves RAPI on that address and port.");
            case RapiException r when r.Ecode is { } ecode && ByEcode.TryGetValue(ecode, out var byEcode):
                return new(byEcode.Id, byEcode.Category, false, r.Message);
            case RapiException r:
                return r.Kind switch
                {
                    RapiErrorKind.NotFound => new("GntNotFound", "ObjectNotFound", false, r.Message),
                    RapiErrorKind.BadRequest => new("GntInvalidRequest", "InvalidArgument", false, r.Message),
                    RapiErrorKind.NotSupported => new("GntNotSupported", "NotImplemented", false, r.Message),
                    RapiErrorKind.Conflict => new("GntConflict", "ResourceBusy", false, r.Message),
                    RapiErrorKind.Unavailable => new("GntMasterUnavailable", "ResourceUnavailable", false, r.Message,
                        "The job queue may be full or drained; see Get-GntJob and the master's log."),
                    RapiErrorKind.Protocol => new("GntProtocolError", "ProtocolError", true, r.Message),
                    _ => new("GntServerError", "NotSpecified", false, r.Message, "See the master's log for details."),
                };
            case GntJobFailedException j:
                if (j.Failure.Ecode is { } jecode && ByEcode.TryGetValue(jecode, out var jm))
                    return new(jm.Id, jm.Category, false, j.Message);
                if (j.Failure.Status == "canceled" || j.Job.Status == "canceled")
                    return new("GntJobCanceled", "OperationStopped", false, j.Message);
                return new("GntJobFailed", "InvalidOperation", false, j.Message,
                    $"See the job's log: Get-GntJob -Id {j.Job.Id} | Select-Object -ExpandProperty Log");
            case FormatException or ArgumentException:
                return new("GntInvalidArgument", "InvalidArgument", false, ex.Message);
            default:
                return new("GntUnexpectedError", "NotSpecified", false, ex.Message);
        }
    }

    private static string Spaced(string noun) => noun switch
    {
        "OS" => "OS",
        _ => string.Concat(noun.Select((ch, i) => i > 0 && char.IsUpper(ch) ? " " + ch : ch.ToString())),
    };
}
