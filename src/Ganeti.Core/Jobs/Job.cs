namespace Ganeti.Core.Jobs;

/// <summary>A job: a list of opcodes run in order, stored as queue/job-N.</summary>
public sealed class Job
{
    public long Id { get; set; }
    public List<QueuedOpCode> Ops { get; set; } = [];
    public Timestamp? ReceivedTimestamp { get; set; }
    public Timestamp? StartTimestamp { get; set; }
    public Timestamp? EndTimestamp { get; set; }
    /// <summary>Kept for Ganeti's file layout; our master tracks liveness itself.</summary>
    public string? Livelock { get; set; }
    public int? ProcessId { get; set; }

    /// <summary>The job status derived from its opcodes, by Ganeti's rule.</summary>
    public string CalcStatus()
    {
        var status = JobStatus.Queued;
        var allSuccess = true;
        foreach (var op in Ops)
        {
            if (op.Status == JobStatus.Success) continue;
            allSuccess = false;
            switch (op.Status)
            {
                case JobStatus.Waiting or JobStatus.Running:
                    status = op.Status;
                    break;
                case JobStatus.Canceling or JobStatus.Error or JobStatus.Canceled:
                    return op.Status;
            }
        }
        return allSuccess ? JobStatus.Success : status;
    }

    /// <summary>Ganeti's job priority: the highest (lowest number) of the unfinished opcodes.</summary>
    public int CalcPriority()
    {
        var pending = Ops.Where(o => !JobStatus.IsFinal(o.Status)).ToList();
        return pending.Count == 0 ? Ops.LastOrDefault()?.Priority ?? 0 : pending.Min(o => o.Priority);
    }

    /// <summary>Ganeti's summary strings: "OP_ID(key)" per opcode.</summary>
    public List<string> Summary() => Ops.Select(o => OpSummary.Of(o.Input)).ToList();
}
