using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;

namespace Ganeti.Master.Jobs;

/// <summary>
/// Picks queued jobs to run: by priority then id, only once their dependencies have finished,
/// never more than the concurrency limit at a time. Runs each job's opcodes in order through
/// the executor and records states, results and timestamps in the job file.
/// </summary>
public sealed class JobScheduler : IAsyncDisposable
{
    private readonly JobQueue queue;
    private readonly IOpExecutor executor;
    private readonly object sync = new();
    /// <summary>Jobs not started yet, in the order they may start: priority, then id.</summary>
    private readonly SortedSet<(int Priority, long Id)> pending = [];
    private readonly Dictionary<long, JobEntry> pendingEntries = [];
    private readonly List<Task> runningTasks = [];
    private readonly CancellationTokenSource shutdown = new();
    private int running;

    public JobScheduler(JobQueue queue, IOpExecutor executor, int maxRunningJobs)
    {
        this.queue = queue;
        this.executor = executor;
        MaxRunningJobs = maxRunningJobs;
        queue.Added += Enqueue;
        Enqueue(queue.All().Where(e => e.Status == JobStatus.Queued).ToList());
    }

    /// <summary>How many jobs may run at once (Ganeti's max_running_jobs).</summary>
    public int MaxRunningJobs { get; set; }

    public int RunningCount
    {
        get { lock (sync) return running; }
    }

    private void Enqueue(IReadOnlyList<JobEntry> entries)
    {
        lock (sync)
            foreach (var e in entries)
            {
                pending.Add((PriorityOf(e), e.Job.Id));
                pendingEntries[e.Job.Id] = e;
            }
    }

    /// <summary>Looks for jobs that can start now. Call after submissions and job ends.</summary>
    public void Kick()
    {
        if (shutdown.IsCancellationRequested) return;
        var toStart = new List<JobEntry>();
        var toFail = new List<(JobEntry Entry, string Reason)>();
        lock (sync)
        {
            foreach (var key in pending.ToList())
            {
                if (running >= MaxRunningJobs) break;
                var entry = pendingEntries[key.Id];
                var (ready, failure) = CheckDependencies(entry);
                if (failure is not null)
                    toFail.Add((entry, failure));
                else if (ready)
                {
                    running++;
                    toStart.Add(entry);
                }
                else
                    continue;
                pending.Remove(key);
                pendingEntries.Remove(key.Id);
            }
            foreach (var e in toStart)
                runningTasks.Add(Task.Run(() => RunJobAsync(e)));
            runningTasks.RemoveAll(t => t.IsCompleted);
        }
        foreach (var (entry, reason) in toFail)
        {
            FinishRemaining(entry, 0, JobStatus.Error, new GanetiException("OpExecError", reason).ToWire());
            Kick();
        }
    }

    private static int PriorityOf(JobEntry e)
    {
        lock (e.Sync) return e.Job.CalcPriority();
    }

    private (bool Ready, string? Failure) CheckDependencies(JobEntry entry)
    {
        foreach (var (depId, statuses) in entry.Dependencies)
        {
            var depStatus = queue.Get(depId)?.Status ?? queue.ReadJob(depId)?.CalcStatus();
            if (depStatus is null)
                return (false, $"Job {entry.Job.Id} depends on job {depId}, which does not exist");
            if (!JobStatus.IsFinal(depStatus))
                return (false, null);
            if (!statuses.Contains(depStatus))
                return (false,
                    $"Job {entry.Job.Id} depends on job {depId}, which ended as '{depStatus}' (needed: {string.Join(", ", statuses)})");
        }
        return (true, null);
    }

    private async Task RunJobAsync(JobEntry entry)
    {
        try
        {
            var token = CancellationTokenSource.CreateLinkedTokenSource(entry.Cancellation.Token, shutdown.Token).Token;
            lock (entry.Sync) entry.Job.StartTimestamp ??= Timestamp.Now();
            for (var i = 0; i < entry.Job.Ops.Count; i++)
            {
                var op = entry.Job.Ops[i];
                JsonObject input;
                lock (entry.Sync)
                {
                    if (op.Status != JobStatus.Queued) continue;
                    if (entry.Cancellation.IsCancellationRequested)
                    {
                        FinishRemaining(entry, i, JobStatus.Canceled, Canceled());
                        return;
                    }
                    op.Status = JobStatus.Waiting;
                    op.StartTimestamp = Timestamp.Now();
                    input = (JsonObject)op.Input.DeepClone();
                }
                // Not durable: a job found "queued" after a crash had changed nothing yet and may run again.
                queue.Save(entry, durable: false);
                try
                {
                    var result = await executor.ExecuteAsync(input, new OpContext(queue, entry, op), token).ConfigureAwait(false);
                    lock (entry.Sync)
                    {
                        op.Status = JobStatus.Success;
                        op.Result = result;
                        op.EndTimestamp = Timestamp.Now();
                        if (i == entry.Job.Ops.Count - 1) entry.Job.EndTimestamp = op.EndTimestamp;
                    }
                    queue.Save(entry, durable: true);
                }
                catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
                {
                    // The master is stopping: the job stays as it is on disk and is recovered at the next start.
                    return;
                }
                catch (OperationCanceledException) when (entry.Cancellation.IsCancellationRequested)
                {
                    FinishRemaining(entry, i, JobStatus.Canceled, Canceled());
                    return;
                }
                catch (Exception e)
                {
                    var error = e as GanetiException ?? GanetiException.Exec($"Unexpected error: {e.Message}", e);
                    FinishRemaining(entry, i, JobStatus.Error, error.ToWire(),
                        new GanetiException("OpExecError", "Preceding opcode failed").ToWire());
                    return;
                }
            }
        }
        finally
        {
            lock (sync) running--;
            Kick();
        }
    }

    private static JsonArray Canceled() => GanetiException.Canceled("Job canceled by request").ToWire();

    /// <summary>
    /// Ends the job from opcode <paramref name="from"/> on: that opcode gets <paramref name="result"/>,
    /// the ones after it <paramref name="followingResult"/> (or the same), all in one step so that
    /// a reader never sees a half-finished job.
    /// </summary>
    private void FinishRemaining(JobEntry entry, int from, string status, JsonArray result, JsonArray? followingResult = null)
    {
        lock (entry.Sync)
        {
            var now = Timestamp.Now();
            for (var i = from; i < entry.Job.Ops.Count; i++)
            {
                var op = entry.Job.Ops[i];
                if (JobStatus.IsFinal(op.Status)) continue;
                op.Status = status;
                op.Result = (i == from ? result : followingResult ?? result).DeepClone();
                op.EndTimestamp = now;
            }
            entry.Job.EndTimestamp = now;
        }
        queue.Save(entry, durable: true);
    }

    /// <summary>
    /// Cancels a job that has not started running: queued jobs end at once, jobs waiting for
    /// locks or dependencies stop waiting. A running job cannot be canceled (as in Ganeti).
    /// </summary>
    public (bool Success, string Message) Cancel(long id)
    {
        var entry = queue.Get(id);
        if (entry is null)
            return queue.ReadJob(id) is null ? (false, $"Job {id} not found") : (false, $"Job {id} is archived");
        bool queuedNotStarted;
        lock (entry.Sync)
        {
            var status = entry.Job.CalcStatus();
            if (JobStatus.IsFinal(status))
                return (false, $"Job {id} is already finished ({status})");
            if (status is JobStatus.Running)
                return (false, $"Job {id} is already running, can't cancel");
            if (status is JobStatus.Canceling)
                return (true, $"Job {id} is already being canceled");
            queuedNotStarted = status == JobStatus.Queued;
            if (!queuedNotStarted)
                foreach (var op in entry.Job.Ops.Where(o => o.Status == JobStatus.Waiting))
                    op.Status = JobStatus.Canceling;
        }
        entry.Cancellation.Cancel();
        if (queuedNotStarted)
        {
            bool removed;
            lock (sync)
            {
                removed = pendingEntries.Remove(id);
                if (removed) pending.RemoveWhere(k => k.Id == id);
            }
            if (removed)
                FinishRemaining(entry, 0, JobStatus.Canceled, Canceled());
        }
        else
            queue.Save(entry, durable: true);
        return (true, $"Job {id} will be canceled");
    }

    public async ValueTask DisposeAsync()
    {
        shutdown.Cancel();
        Task[] tasks;
        lock (sync) tasks = runningTasks.ToArray();
        try { await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
        catch (Exception) { /* jobs still running are recovered at the next start */ }
    }
}
