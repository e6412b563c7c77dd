using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.Remoting.Rapi.Jobs;

/// <summary>What a waiter reports while a job runs. Calls may come from any thread.</summary>
public interface IJobWaitObserver
{
    /// <summary>A log line the job wrote, in serial order, each one once.</summary>
    void OnLog(GntJobLogEntry entry);

    /// <summary>The job's status changed (queued, waiting, running, ...).</summary>
    void OnStatus(long jobId, string status);
}
