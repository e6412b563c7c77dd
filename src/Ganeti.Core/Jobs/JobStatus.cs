namespace Ganeti.Core.Jobs;

/// <summary>Job and opcode states, as Ganeti names them on the wire.</summary>
public static class JobStatus
{
    public const string Queued = "queued";
    public const string Waiting = "waiting";
    public const string Running = "running";
    public const string Canceling = "canceling";
    public const string Canceled = "canceled";
    public const string Success = "success";
    public const string Error = "error";

    public static bool IsFinal(string status) => status is Success or Error or Canceled;

    public static readonly IReadOnlyList<string> All = [Queued, Waiting, Running, Canceling, Canceled, Success, Error];
}

/// <summary>Opcode priorities: lower runs first. Ganeti accepts -20..19; the named ones are used by clients.</summary>
public static class JobPriority
{
    public const int Highest = -20;
    public const int High = -10;
    public const int Normal = 0;
    public const int Low = 10;
    public const int Lowest = 19;
}

/// <summary>Kinds of opcode log entries.</summary>
public static class LogType
{
    public const string Message = "message";
    public const string RemoteImport = "remote-import";
}
