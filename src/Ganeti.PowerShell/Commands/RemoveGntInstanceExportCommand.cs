using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Removes the export of instances from every node that has one (gnt-backup remove).</summary>
[Cmdlet(VerbsCommon.Remove, "GntInstanceExport", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(GntJob))]
public sealed class RemoveGntInstanceExportCommand : GntJobCmdlet
{
    /// <summary>Names of the exported instances; the instance itself may no longer exist. Binds InstanceName of Export-GntInstance's output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceName")]
    [ArgumentCompleter(typeof(InstanceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
            Submit(name, "Remove the instance's export (gnt-backup remove)",
                (dryRun, ct) => Client.RemoveInstanceExportAsync(name, dryRun, Reason, ct));
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job) => WriteVerbose($"Removed the export of {submitted.Target}.");
}
