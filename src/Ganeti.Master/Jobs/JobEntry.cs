using Ganeti.Core.Jobs;

namespace Ganeti.Master.Jobs;

/// <summary>
/// A job held by the queue: the job document plus what the master needs to run it. Every read
/// or change of <see cref="Job"/> happens under <see cref="Sync"/>; waiters are woken through
/// <see cref="NotifyChanged"/>.
/// </summary>
public sealed class JobEntry(Job job)
{
    public Job Job { get; } = job;
    public object Sync { get; } = new();
    public CancellationTokenSource Cancellation { get; } = new();
    public long NextLogSerial { get; set; } = job.Ops.SelectMany(o => o.Log).Select(l => l.Serial).DefaultIfEmpty(0).Max() + 1;

    /// <summary>The job ids this job depends on, with the final statuses each may end in.</summary>
    public List<(long JobId, IReadOnlyList<string> Statuses)> Dependencies { get; } = [];

    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the next change of the job.</summary>
    public Task NextChange
    {
        get { lock (Sync) return changed.Task; }
    }

    public void NotifyChanged()
    {
        TaskCompletionSource old;
        lock (Sync)
        {
            old = changed;
            changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        old.TrySetResult();
    }

    public string Status
    {
        get { lock (Sync) return Job.CalcStatus(); }
    }
}
