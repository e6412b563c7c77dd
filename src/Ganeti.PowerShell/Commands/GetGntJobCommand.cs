using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Lists jobs (gnt-job list) or shows given ones with log and results (gnt-job info).</summary>
[Cmdlet(VerbsCommon.Get, "GntJob", DefaultParameterSetName = ListSet)]
[OutputType(typeof(GntJob))]
public sealed class GetGntJobCommand : GntCmdlet
{
    private const string ListSet = "List";
    private const string IdSet = "Id";

    /// <summary>Job ids; these come with their log and results.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = IdSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public long[] Id { get; set; } = [];

    /// <summary>Only jobs in these states.</summary>
    [Parameter(ParameterSetName = ListSet)]
    [ValidateSet("queued", "waiting", "running", "canceling", "canceled", "success", "error")]
    public string[]? Status { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != IdSet)
            return;
        foreach (var id in Id)
        {
            try
            {
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

    protected override void EndProcessing()
    {
        if (ParameterSetName != ListSet)
            return;
        IReadOnlyList<GntJob> jobs;
        try
        {
            jobs = Run(ct => Client.GetJobsAsync(ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, null);
            return;
        }
        CurrentConnection.Cache.Put("job", jobs.Select(j => j.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        foreach (var job in jobs.OrderBy(j => j.Id))
            if (Status is null || Status.Contains(job.Status, StringComparer.OrdinalIgnoreCase))
                WriteObject(job);
    }
}
