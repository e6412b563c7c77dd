using System.Text.Json.Nodes;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.Remoting.Rapi.Jobs;

/// <summary>
/// Waits for jobs to finish the way Ganeti's CLI does: long-polls <c>/2/jobs/N/wait</c> with
/// the last seen status and log serial, so each change arrives once and without busy polling.
/// When the master refuses the long poll (it needs the write right) the waiter falls back to
/// polling <c>/2/jobs/N</c> with a growing interval. Returns the finished job with its log and
/// results; cancelling the token stops waiting, never the job.
/// </summary>
public sealed class JobWaiter
{
    private readonly RapiClient _client;

    public JobWaiter(RapiClient client)
    {
        _client = client;
    }

    /// <summary>First and largest interval of the polling fallback.</summary>
    public TimeSpan MinPollInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(3);

    public async Task<GntJob> WaitAsync(long jobId, IJobWaitObserver? observer = null, CancellationToken ct = default)
    {
        JsonArray? previousInfo = null;
        long? lastSerial = null;
        string? lastStatus = null;
        var longPoll = true;
        var interval = MinPollInterval;

        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (longPoll)
            {
                GntJobChange? change;
                try
                {
                    change = await _client.WaitForJobChangeAsync(jobId, RapiRequests.WaitFields, previousInfo, lastSerial, ct).ConfigureAwait(false);
                }
                catch (RapiException ex) when (ex.Kind is RapiErrorKind.AuthenticationFailed or RapiErrorKind.Forbidden or RapiErrorKind.NotSupported)
                {
                    longPoll = false;
                    continue;
                }
                if (change is null)
                    continue;
                lastSerial = Report(change.LogEntries, lastSerial, observer);
                previousInfo = change.JobInfo;
                var status = JsonFields.Str(change.JobInfo.Count > 0 ? change.JobInfo[0] : null);
                if (status is not null && status != lastStatus)
                {
                    lastStatus = status;
                    observer?.OnStatus(jobId, status);
                }
                if (status is not null && IsFinal(status))
                    break;
            }
            else
            {
                var job = await _client.GetJobAsync(jobId, ct).ConfigureAwait(false);
                var before = lastSerial;
                lastSerial = Report(job.Log, lastSerial, observer);
                if (job.Status != lastStatus)
                {
                    lastStatus = job.Status;
                    observer?.OnStatus(jobId, job.Status);
                    interval = MinPollInterval;
                }
                else if (lastSerial == before)
                {
                    interval = TimeSpan.FromTicks(Math.Min(MaxPollInterval.Ticks, interval.Ticks * 2));
                }
                if (job.IsFinished)
                    return job;
                await Task.Delay(interval, ct).ConfigureAwait(false);
            }
        }

        var final = await _client.GetJobAsync(jobId, ct).ConfigureAwait(false);
        // Lines written between the last change and the end come with the full job.
        Report(final.Log, lastSerial, observer);
        return final;
    }

    /// <summary>Waits for several jobs at once; each result is the finished job or the exception for it.</summary>
    public async Task<IReadOnlyList<(long JobId, GntJob? Job, Exception? Error)>> WaitAllAsync(IEnumerable<long> jobIds,
        IJobWaitObserver? observer = null, CancellationToken ct = default)
    {
        var tasks = jobIds.Select(async id =>
        {
            try
            {
                return (id, (GntJob?)await WaitAsync(id, observer, ct).ConfigureAwait(false), (Exception?)null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return (id, null, ex);
            }
        }).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static long? Report(IEnumerable<GntJobLogEntry> entries, long? lastSerial, IJobWaitObserver? observer)
    {
        foreach (var e in entries.OrderBy(e => e.Serial))
        {
            if (lastSerial is { } last && e.Serial <= last)
                continue;
            observer?.OnLog(e);
            lastSerial = e.Serial;
        }
        return lastSerial;
    }

    public static bool IsFinal(string status) => status is "success" or "error" or "canceled";
}
