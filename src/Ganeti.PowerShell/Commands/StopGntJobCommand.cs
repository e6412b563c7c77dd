using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Cancels jobs that have not finished (gnt-job cancel).</summary>
[Cmdlet(VerbsLifecycle.Stop, "GntJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntJob))]
public sealed class StopGntJobCommand : GntCmdlet
{
    /// <summary>Job ids; binds the Id or JobId of piped objects.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public long[] Id { get; set; } = [];

    /// <summary>Write each job after the cancel request.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            var target = $"job {id}";
            if (!ShouldProcess(target, "Cancel job (gnt-job cancel)"))
                continue;
            try
            {
                var (ok, message) = Run(ct => Client.CancelJobAsync(id, false, ct));
                if (!ok)
                {
                    WriteFailure(new GntErrorInfo("GntJobCancelRefused", "InvalidOperation", false,
                        $"Job {id} was not canceled: {message}", "A job that already runs or finished cannot be canceled."), id);
                    continue;
                }
                WriteVerbose(message);
                if (PassThru)
                    WriteObject(Run(ct => Client.GetJobAsync(id, ct)));
            }
            catch (RapiException ex) when (ex.Kind == RapiErrorKind.NotFound)
            {
                WriteFailure(GntErrorMap.NotFound("Job", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), id);
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteFailure(ex, id);
            }
        }
    }
}
