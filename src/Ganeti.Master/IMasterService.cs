using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Jobs;
using Ganeti.Master.Query;

namespace Ganeti.Master;

/// <summary>
/// What clients may ask of the master: the operations Ganeti's LUXI offers, used by the RAPI
/// server. Failures are GanetiExceptions carrying Ganeti's error class and ecode.
/// </summary>
public interface IMasterService
{
    /// <summary>Validates the opcodes (Ganeti JSON form), writes the job durably, returns its id.</summary>
    Task<long> SubmitJobAsync(IReadOnlyList<JsonObject> ops, CancellationToken cancellationToken);

    /// <summary>Submits several jobs at once; relative dependencies refer to earlier jobs of the batch.</summary>
    Task<IReadOnlyList<long>> SubmitManyJobsAsync(IReadOnlyList<IReadOnlyList<JsonObject>> jobs, CancellationToken cancellationToken);

    /// <summary>A snapshot of one job (live or archived), or null.</summary>
    Job? GetJob(long id);

    /// <summary>Ids of all jobs in the queue (not archived), ascending.</summary>
    IReadOnlyList<long> ListJobIds();

    /// <summary>
    /// Waits until the job's selected fields differ from <paramref name="previousJobInfo"/> or log
    /// entries newer than <paramref name="previousLogSerial"/> exist, or the timeout passes.
    /// Returns null on timeout ("nochange"), else the current field values and the new log entries.
    /// </summary>
    Task<JobChange?> WaitForJobChangeAsync(long id, IReadOnlyList<string> fields, JsonArray? previousJobInfo,
        long? previousLogSerial, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Cancels a queued or waiting job. Returns (success, message) as Ganeti does.</summary>
    (bool Success, string Message) CancelJob(long id);

    /// <summary>Archives a finished job. Returns false if it is not finished or unknown.</summary>
    bool ArchiveJob(long id);

    /// <summary>Sets or clears the queue's drain flag (no new jobs accepted while set).</summary>
    void SetDrainFlag(bool drain);

    /// <summary>Ganeti's query2: fields and rows of [status, value] pairs.</summary>
    Task<QueryResult> QueryAsync(string resource, IReadOnlyList<string> fields, JsonNode? filter, CancellationToken cancellationToken);

    /// <summary>Definitions of the named fields (all fields when empty).</summary>
    IReadOnlyList<QueryFieldDefinition> QueryFields(string resource, IReadOnlyList<string> fields);

    /// <summary>Ganeti's QueryClusterInfo result (/2/info).</summary>
    JsonObject ClusterInfo();

    /// <summary>The current configuration snapshot; callers must not modify it.</summary>
    ConfigData ReadConfig();

    /// <summary>A balancing plan (hbal) computed from the configuration and the nodes' live facts.</summary>
    Task<JsonObject> BalancePlanAsync(Allocation.BalanceRequest request, CancellationToken cancellationToken);

    /// <summary>The cluster's spare capacity (hspace) computed from the configuration and the nodes' live facts.</summary>
    Task<JsonObject> CapacityAsync(Allocation.CapacityRequest request, CancellationToken cancellationToken);
}

/// <summary>The answer of a job-change wait: field values and log entries newer than the caller's.</summary>
public sealed record JobChange(JsonArray JobInfo, IReadOnlyList<JobLogEntry> LogEntries);
