using System.Collections.Concurrent;
using System.Management.Automation;
using Ganeti.Remoting.Rapi;
using Ganeti.Remoting.Rapi.Jobs;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Base of the cmdlets that talk to a cluster: the -Connection parameter (default: the last
/// Connect-GntCluster) and job waiting with the job log on Write-Verbose and one throttled,
/// always-completed progress record per job.
/// </summary>
public abstract class GntCmdlet : GntCmdletBase
{
    private int _progressIds;

    /// <summary>The cluster connection to use; defaults to the last Connect-GntCluster.</summary>
    [Parameter]
    [ValidateNotNull]
    public GntConnection? Connection { get; set; }

    protected GntConnection CurrentConnection
    {
        get
        {
            var c = Connection ?? GntSession.Default;
            if (c is { IsOpen: true })
                return c;
            ThrowTerminatingError(ToRecord(GntErrorMap.NotConnected(), null, null));
            return null!;
        }
    }

    protected RapiClient Client => CurrentConnection.Client;

    /// <summary>
    /// Waits for jobs, writing each log line with Write-Verbose and one progress record per job
    /// (redrawn at most every 250 ms unless the status changes, and always completed).
    /// </summary>
    protected IReadOnlyList<(long JobId, GntJob? Job, Exception? Error)> WaitForJobs(IReadOnlyList<long> jobIds,
        IReadOnlyDictionary<long, string>? descriptions = null, Action<GntJobLogEntry>? onLog = null)
    {
        var throttle = new ProgressThrottle(TimeSpan.FromMilliseconds(250));
        var activity = new Dictionary<long, int>();
        var lastMessage = new Dictionary<long, string>();
        var status = new Dictionary<long, string>();
        foreach (var id in jobIds)
            activity[id] = Interlocked.Increment(ref _progressIds);
        string Activity(long id) => descriptions is not null && descriptions.TryGetValue(id, out var d) ? $"Job {id}: {d}" : $"Job {id}";

        void Show(long id)
        {
            var st = status.TryGetValue(id, out var s) ? s : "queued";
            if (!throttle.ShouldEmit(id, st, DateTime.UtcNow)) return;
            var text = lastMessage.TryGetValue(id, out var m) ? $"{st}: {m}" : st;
            WriteProgress(new ProgressRecord(activity[id], Activity(id), text));
        }

        var observer = new Observer(
            entry => Post(() =>
            {
                WriteVerbose($"Job {entry.JobId}: {entry.Message}");
                lastMessage[entry.JobId] = entry.Message.Length > 80 ? entry.Message[..77] + "..." : entry.Message;
                onLog?.Invoke(entry);
                Show(entry.JobId);
            }),
            (id, st) => Post(() =>
            {
                status[id] = st;
                Show(id);
            }));

        var waiter = new JobWaiter(Client);
        try
        {
            return Run(ct => waiter.WaitAllAsync(jobIds, observer, ct));
        }
        finally
        {
            if (!PipelineStopping)
            {
                // Lines posted while the wait ended are written first, then every bar is closed.
                DrainPending();
                foreach (var id in throttle.Shown)
                {
                    WriteProgress(new ProgressRecord(activity[id], Activity(id), status.TryGetValue(id, out var s) ? s : "done")
                    {
                        RecordType = ProgressRecordType.Completed,
                    });
                }
            }
        }
    }

    private sealed class Observer(Action<GntJobLogEntry> log, Action<long, string> status) : IJobWaitObserver
    {
        public void OnLog(GntJobLogEntry entry) => log(entry);
        public void OnStatus(long jobId, string s) => status(jobId, s);
    }

    private readonly Dictionary<string, IReadOnlyList<string>> _listings = new();

    /// <summary>
    /// Calls <paramref name="action"/> for every name a pattern names: an exact name as given
    /// (the master reports it if unknown), a wildcard against one listing of that kind of
    /// object (<paramref name="list"/>) per command.
    /// </summary>
    private void ForEachName(IEnumerable<string> patterns, string kind, Func<CancellationToken, Task<IReadOnlyList<string>>> list,
        Action<string> action)
    {
        foreach (var pattern in patterns)
        {
            if (!WildcardMatcher.ContainsWildcard(pattern))
            {
                action(WildcardMatcher.Unescape(pattern));
                continue;
            }
            if (!_listings.TryGetValue(kind, out var names))
            {
                try
                {
                    _listings[kind] = names = Run(list);
                }
                catch (Exception ex) when (ex is not PipelineStoppedException)
                {
                    WriteFailure(ex, pattern);
                    return;
                }
            }
            var matcher = new WildcardMatcher(pattern);
            foreach (var name in names.Where(matcher.IsMatch))
                action(name);
        }
    }

    /// <summary>Calls <paramref name="action"/> for every instance the patterns name (see <see cref="ForEachName"/>).</summary>
    protected void ForEachInstanceName(IEnumerable<string> patterns, Action<string> action)
        => ForEachName(patterns, "instance", ct => Client.GetInstanceNamesAsync(ct), action);

    /// <summary>Calls <paramref name="action"/> for every node the patterns name (see <see cref="ForEachName"/>).</summary>
    protected void ForEachNodeName(IEnumerable<string> patterns, Action<string> action)
        => ForEachName(patterns, "node", ct => Client.GetNodeNamesAsync(ct), action);

    /// <summary>Calls <paramref name="action"/> for every node group the patterns name (see <see cref="ForEachName"/>).</summary>
    protected void ForEachGroupName(IEnumerable<string> patterns, Action<string> action)
        => ForEachName(patterns, "group", ct => Client.GetGroupNamesAsync(ct), action);
}
