using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Activates the disks of instances (gnt-instance activate-disks) and writes where they are.</summary>
[Cmdlet(VerbsData.Mount, "GntInstanceDisk", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(GntInstanceDiskDevice), typeof(GntJob))]
public sealed class MountGntInstanceDiskCommand : GntInstanceTargetCmdlet
{
    /// <summary>Do not check the disks' sizes against the configuration (Ganeti's --ignore-size).</summary>
    [Parameter]
    public SwitchParameter IgnoreSize { get; set; }

    protected override void SubmitFor(string instance) =>
        Submit(instance, "Activate disks (gnt-instance activate-disks)",
            (dryRun, ct) => Client.ActivateInstanceDisksAsync(instance, IgnoreSize, dryRun, Reason, ct));

    protected override void OnJobSucceeded(Submitted submitted, GntJob job)
    {
        foreach (var device in GntInstanceDiskDevice.FromResult(submitted.Target, job.OpResultJson(0)))
            WriteObject(device);
    }
}
