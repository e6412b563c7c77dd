using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Jobs;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Follows a job's log as it is written (gnt-job watch), one GntJobLogEntry per line.</summary>
[Cmdlet(VerbsCommon.Watch, "GntJob")]
[OutputType(typeof(GntJobLogEntry))]
public sealed class WatchGntJobCommand : GntCmdlet
{
    /// <summary>The job to follow.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public long Id { get; set; }

    protected override void ProcessRecord()
    {
        var id = Id;
        var results = WaitForJobs([id], null, WriteObject);
        var (_, job, error) = results[0];
        if (error is RapiException { Kind: RapiErrorKind.NotFound })
            WriteFailure(GntErrorMap.NotFound("Job", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), id);
        else if (error is not null)
            WriteFailure(error, id);
        else if (job!.Failure is not null)
            WriteFailure(new GntJobFailedException(job), id);
        else
            WriteVerbose($"Job {id} finished: {job.Status}.");
    }

    protected override void OnStopping() => WriteStopNote();

    private void WriteStopNote()
    {
        try
        {
            Host.UI.WriteWarningLine($"Stopped watching job {Id}; it goes on. Cancel it with Stop-GntJob -Id {Id}.");
        }
        catch (Exception)
        {
            // Nothing to add if the host is gone.
        }
    }
}
