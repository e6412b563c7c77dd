using System.Management.Automation;
using System.Text.Json.Nodes;
using Ganeti.Remoting.Rapi.Jobs;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Base of cmdlets that submit jobs. Each pipeline item is submitted in ProcessRecord; by
/// default all jobs are then waited for together in EndProcessing (so a pipeline of fifty
/// instances runs fifty jobs at once); -NoWait writes the GntJob instead. -WhatIf submits the
/// same request with Ganeti's dry-run, so the master checks it for real and changes nothing.
/// </summary>
public abstract class GntJobCmdlet : GntCmdlet
{
    private readonly List<Submitted> _submitted = [];
    private readonly List<long> _waiting = [];

    /// <summary>Return the job at once instead of waiting for it.</summary>
    [Parameter]
    public SwitchParameter NoWait { get; set; }

    /// <summary>Free-form reason recorded with the job (Ganeti's reason trail).</summary>
    [Parameter]
    public string? Reason { get; set; }

    protected sealed record Submitted(long JobId, string Target, object? State);

    /// <summary>
    /// Submits one job, honouring -WhatIf (dry run) and -Confirm. With <paramref name="highImpact"/>
    /// the job is confirmed as a ConfirmImpact High cmdlet's would be, for cmdlets whose modes
    /// differ in impact (see <see cref="ConfirmHighImpact"/>).
    /// </summary>
    protected void Submit(string target, string action, Func<bool, CancellationToken, Task<long>> submit, object? state = null,
        bool highImpact = false)
    {
        var description = $"Performing the operation \"{action}\" on target \"{target}\".";
        if (!ShouldProcess(description, $"Are you sure you want to perform this action?\n{description}", "Confirm", out var reason))
        {
            if (reason == ShouldProcessReason.WhatIf)
                DryRun(target, action, submit);
            return;
        }
        if (highImpact && !ConfirmHighImpact(description))
            return;
        long jobId;
        try
        {
            jobId = Run(ct => submit(false, ct));
        }
        catch (PipelineStoppedException)
        {
            throw;
        }
        catch (Exception ex)
        {
            WriteFailure(ex, target);
            return;
        }
        WriteVerbose($"Submitted job {jobId}: {action} {target}");
        if (NoWait)
        {
            WriteObject(FetchJob(jobId));
            return;
        }
        _submitted.Add(new Submitted(jobId, target, state));
    }

    private bool _yesToAll;
    private bool _noToAll;

    /// <summary>
    /// ConfirmImpact is one per cmdlet, but a mode of a cmdlet can be more drastic than the
    /// others (a failover restarts the guest where a migration does not). Such a mode asks as a
    /// High-impact cmdlet does under the default $ConfirmPreference: unless -Confirm was given
    /// either way (ShouldProcess has then already asked, or been told not to) or
    /// $ConfirmPreference is None. "Yes to All" covers the rest of the pipeline.
    /// </summary>
    private bool ConfirmHighImpact(string description)
    {
        if (MyInvocation.BoundParameters.ContainsKey("Confirm"))
            return true;
        if (SessionState.PSVariable.GetValue("ConfirmPreference") is ConfirmImpact.None)
            return true;
        return ShouldContinue($"Are you sure you want to perform this action?\n{description}", "Confirm", ref _yesToAll, ref _noToAll);
    }

    private void DryRun(string target, string action, Func<bool, CancellationToken, Task<long>> submit)
    {
        try
        {
            var job = Run(async ct =>
            {
                var id = await submit(true, ct).ConfigureAwait(false);
                return await new JobWaiter(Client).WaitAsync(id, null, ct).ConfigureAwait(false);
            });
            if (job.Failure is not null)
                WriteFailure(new GntJobFailedException(job), target, $"Dry run of \"{action}\" on \"{target}\" would fail");
            else
                WriteVerbose($"Dry run of \"{action}\" on \"{target}\" passed the master's checks (job {job.Id}).");
        }
        catch (PipelineStoppedException)
        {
            throw;
        }
        catch (Exception ex)
        {
            WriteFailure(ex, target, $"Dry run of \"{action}\" on \"{target}\" would fail");
        }
    }

    private GntJob FetchJob(long jobId)
    {
        try
        {
            return Run(ct => Client.GetJobAsync(jobId, ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            return new GntJob { Id = jobId, Status = "queued" };
        }
    }

    protected override void EndProcessing()
    {
        if (_submitted.Count == 0)
            return;
        _waiting.AddRange(_submitted.Select(s => s.JobId));
        var descriptions = _submitted.ToDictionary(s => s.JobId, s => s.Target);
        var results = WaitForJobs(_submitted.Select(s => s.JobId).ToList(), descriptions);
        _waiting.Clear();
        foreach (var (sub, result) in _submitted.Zip(results))
        {
            if (result.Error is not null)
                WriteFailure(result.Error, sub.Target);
            else if (result.Job!.Failure is not null)
                WriteFailure(new GntJobFailedException(result.Job), sub.Target);
            else
                OnJobSucceeded(sub, result.Job);
        }
    }

    protected override void OnStopping() => WarnJobsContinue(_waiting.Count > 0 ? _waiting : _submitted.Select(s => s.JobId).ToList());

    /// <summary>Called on the pipeline thread for each job that succeeded, in submission order.</summary>
    protected virtual void OnJobSucceeded(Submitted submitted, GntJob job)
    {
    }

    /// <summary>
    /// Writes the jobs a finished job submitted (Ganeti's result with jobs: "jobs" holds one
    /// [true, id] or [false, error] per job), each as it is now; a refused one is an error.
    /// </summary>
    protected void WriteFollowUpJobs(Submitted submitted, GntJob job, string noneMessage, string kind = "node")
    {
        var jobs = (job.OpResultJson(0) as JsonObject)?["jobs"] as JsonArray ?? [];
        if (jobs.Count == 0)
            WriteVerbose(noneMessage);
        foreach (var entry in jobs.OfType<JsonArray>())
        {
            if (entry.Count == 2 && entry[0]?.GetValue<bool>() == true && entry[1] is JsonValue v && v.TryGetValue<long>(out var id))
            {
                try
                {
                    WriteObject(Run(ct => Client.GetJobAsync(id, ct)));
                }
                catch (Exception ex) when (ex is not PipelineStoppedException)
                {
                    WriteFailure(ex, id);
                }
            }
            else
                WriteFailure(new InvalidOperationException($"The master could not submit a job for {kind} {submitted.Target}: {entry[1]}"), submitted.Target);
        }
    }

    /// <summary>
    /// Writes the job log's "Warning: ..." lines as warnings: the operation succeeded, but the
    /// master says something the user should see without -Verbose (a split instance, a policy
    /// the group's instances no longer meet).
    /// </summary>
    protected void WriteJobWarnings(GntJob job)
    {
        foreach (var line in job.Log.Where(l => l.Message.StartsWith("Warning:", StringComparison.Ordinal)))
            WriteWarning($"Job {job.Id}: {line.Message["Warning:".Length..].Trim()}");
    }

    /// <summary>Writes the instance as it is now (for -PassThru and New-).</summary>
    protected void WriteCurrentInstance(string name)
    {
        try
        {
            WriteObject(Run(ct => Client.GetInstanceAsync(name, ct)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, name);
        }
    }

    /// <summary>Writes the node group as it is now (for -PassThru and New-).</summary>
    protected void WriteCurrentGroup(string name)
    {
        try
        {
            WriteObject(Run(ct => Client.GetGroupAsync(name, ct)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, name);
        }
    }
}
