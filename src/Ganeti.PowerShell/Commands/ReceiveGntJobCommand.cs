using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Gets the results of finished jobs' opcodes (the "Result" of gnt-job info).</summary>
[Cmdlet(VerbsCommunications.Receive, "GntJob")]
[OutputType(typeof(GntJobResult))]
public sealed class ReceiveGntJobCommand : GntCmdlet
{
    /// <summary>Job ids; binds the Id or JobId of piped objects.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public long[] Id { get; set; } = [];

    /// <summary>Wait for unfinished jobs first instead of reporting them.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var id in Id)
        {
            try
            {
                GntJob job;
                if (Wait)
                {
                    var (_, waited, error) = WaitForJobs([id])[0];
                    if (error is not null)
                        throw error;
                    job = waited!;
                }
                else
                {
                    job = Run(ct => Client.GetJobAsync(id, ct));
                }
                if (!job.IsFinished)
                {
                    WriteFailure(new GntErrorInfo("GntJobNotFinished", "InvalidOperation", false,
                        $"Job {id} has not finished (status {job.Status}).", $"Use Receive-GntJob -Id {id} -Wait, or Wait-GntJob first."), id);
                    continue;
                }
                foreach (var r in job.Results())
                    WriteObject(r);
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

    protected override void OnStopping() => WarnJobsContinue(Id);
}
