using Ganeti.Core.Jobs;

namespace Ganeti.Master.Jobs;

/// <summary>What a running opcode may tell its job: progress lines and its move to "running".</summary>
public sealed class OpContext(JobQueue queue, JobEntry entry, QueuedOpCode op)
{
    public long JobId => entry.Job.Id;

    /// <summary>The lock owner identity of this job.</summary>
    public object LockOwner => entry;

    /// <summary>Appends a log line to the opcode (visible to clients waiting on the job).</summary>
    public void Log(string message, string type = LogType.Message)
    {
        lock (entry.Sync)
            op.Log.Add(new JobLogEntry(entry.NextLogSerial++, Timestamp.Now(), type, message));
        queue.Save(entry, durable: false);
    }

    /// <summary>Locks are held: the opcode now runs.</summary>
    public Task MarkRunningAsync()
    {
        lock (entry.Sync)
        {
            if (op.Status == JobStatus.Canceling)
                throw new OperationCanceledException("Job canceled while waiting for locks");
            op.Status = JobStatus.Running;
            op.ExecTimestamp = Timestamp.Now();
        }
        queue.Save(entry, durable: true);
        return Task.CompletedTask;
    }
}
