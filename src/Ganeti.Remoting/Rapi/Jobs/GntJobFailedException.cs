using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.Remoting.Rapi.Jobs;

/// <summary>A job ended in error or was canceled; <see cref="Failure"/> says which opcode and why.</summary>
public sealed class GntJobFailedException : Exception
{
    public GntJobFailedException(GntJob job)
        : base(MessageOf(job))
    {
        Job = job;
        Failure = job.Failure ?? GntJob.FailureOf(job.Status, job.OpStatus, null, null);
    }

    public GntJob Job { get; }
    public GntJobFailure Failure { get; }

    private static string MessageOf(GntJob job)
    {
        var f = job.Failure;
        var what = job.Summary.Length > 0 ? string.Join(", ", job.Summary) : $"job {job.Id}";
        if (f is null)
            return $"Job {job.Id} ({what}) ended with status {job.Status}.";
        return f.Status == "canceled" || job.Status == "canceled"
            ? $"Job {job.Id} ({what}) was canceled."
            : $"Job {job.Id} ({what}) failed: {f.Message}";
    }
}
