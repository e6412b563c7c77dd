using System.Text.Json.Nodes;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>One answer of <c>GET /2/jobs/N/wait</c>: the watched field values and the new log lines.</summary>
public sealed class GntJobChange
{
    /// <summary>The values of the requested fields, in request order (pass back as previous_job_info).</summary>
    public required JsonArray JobInfo { get; init; }
    public GntJobLogEntry[] LogEntries { get; init; } = [];
}
