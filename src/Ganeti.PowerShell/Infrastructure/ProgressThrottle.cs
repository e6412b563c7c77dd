namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Decides when a job's progress record is worth redrawing: at once when its status changes,
/// otherwise at most once per interval, so a chatty job log does not flood the host.
/// Every job that was shown is remembered so that its record can be completed at the end.
/// </summary>
public sealed class ProgressThrottle
{
    private readonly TimeSpan _interval;
    private readonly Dictionary<long, (string Status, DateTime At)> _last = [];

    public ProgressThrottle(TimeSpan interval)
    {
        _interval = interval;
    }

    public IReadOnlyCollection<long> Shown => _last.Keys;

    public bool ShouldEmit(long jobId, string status, DateTime now)
    {
        if (_last.TryGetValue(jobId, out var last) && last.Status == status && now - last.At < _interval)
            return false;
        _last[jobId] = (status, now);
        return true;
    }
}
