using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Jobs;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Waits for jobs to finish (gnt-job wait), streaming their log to Write-Verbose.</summary>
[Cmdlet(VerbsLifecycle.Wait, "GntJob")]
[OutputType(typeof(GntJob))]
public sealed class WaitGntJobCommand : GntCmdlet
{
    private readonly List<long> _ids = [];

    /// <summary>Job ids; binds the Id or JobId of piped objects.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public long[] Id { get; set; } = [];

    /// <summary>Give up waiting after this many seconds (the jobs go on).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TimeoutSeconds { get; set; }

    protected override void ProcessRecord() => _ids.AddRange(Id);

    protected override void EndProcessing()
    {
        var ids = _ids.Distinct().ToList();
        if (ids.Count == 0) return;
        IReadOnlyList<(long JobId, GntJob? Job, Exception? Error)> results;
        using var timer = TimeoutSeconds is { } t ? new Timer(_ => StopWaiting(), null, TimeSpan.FromSeconds(t), Timeout.InfiniteTimeSpan) : null;
        try
        {
            results = WaitForJobs(ids);
        }
        catch (PipelineStoppedException) when (_timedOut)
        {
            var text = $"Job(s) {string.Join(",", ids)} did not finish within {TimeoutSeconds} s; they go on.";
            ThrowTerminatingError(ToRecord(new GntErrorInfo("GntWaitTimeout", "OperationTimeout", true, text,
                $"Wait again with Wait-GntJob -Id {string.Join(",", ids)}, or cancel with Stop-GntJob."), ids, null));
            return;
        }
        foreach (var (id, job, error) in results)
        {
            if (error is RapiException { Kind: RapiErrorKind.NotFound })
                WriteFailure(GntErrorMap.NotFound("Job", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), id);
            else if (error is not null)
                WriteFailure(error, id);
            else
            {
                WriteObject(job);
                if (job!.Failure is not null)
                    WriteFailure(new GntJobFailedException(job), id);
            }
        }
    }

    private volatile bool _timedOut;

    private void StopWaiting()
    {
        _timedOut = true;
        CancelWaiting();
    }

    protected override void OnStopping()
    {
        if (!_timedOut)
            WarnJobsContinue(_ids);
    }
}
