using Ganeti.Core.Errors;

namespace Ganeti.Master.Rapi;

/// <summary>
/// How errors of the master become HTTP errors. Ganeti answers 503 when the queue is full or
/// drained, 502 when the master cannot be reached, 504 on a master timeout and 404 for an
/// unknown object; prerequisite failures (bad parameters, wrong state, name in use, ...)
/// are the client's fault here, so 400; everything else is 500.
/// </summary>
public static class RapiErrors
{
    public static RapiException FromGaneti(GanetiException e) => e.ErrorClass switch
    {
        "JobQueueFull" => RapiException.ServiceUnavailable("Job queue is full, needs archiving"),
        "JobQueueDrainError" => RapiException.ServiceUnavailable("Job queue is drained, cannot submit"),
        "NoMasterError" => RapiException.BadGateway($"Master seems to be unreachable: {e.Message}"),
        "ProtocolError" => RapiException.BadGateway(e.Message),
        "TimeoutError" => RapiException.GatewayTimeout($"Timeout while talking to the master daemon: {e.Message}"),
        "OpPrereqError" when e.Ecode == ErrorCodes.UnknownEntity => RapiException.NotFound(e.Message),
        "OpPrereqError" or "ParameterError" or "TypeEnforcementError" => RapiException.BadRequest(e.Message),
        _ => new RapiException(500, e.Message),
    };
}
