using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Deactivates the disks of stopped instances (gnt-instance deactivate-disks).</summary>
[Cmdlet(VerbsData.Dismount, "GntInstanceDisk", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntInstance), typeof(GntJob))]
public sealed class DismountGntInstanceDiskCommand : GntInstanceActionCmdlet
{
    /// <summary>Deactivate the disks even of a running instance, ignoring errors (Ganeti's --force); the instance loses its disks.</summary>
    [Parameter]
    public SwitchParameter EvenIfRunning { get; set; }

    protected override void SubmitFor(string instance) =>
        Submit(instance, "Deactivate disks (gnt-instance deactivate-disks)",
            (dryRun, ct) => Client.DeactivateInstanceDisksAsync(instance, EvenIfRunning, dryRun, Reason, ct));
}
