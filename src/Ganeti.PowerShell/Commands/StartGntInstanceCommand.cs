using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Starts instances (gnt-instance startup).</summary>
[Cmdlet(VerbsLifecycle.Start, "GntInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(GntInstance), typeof(GntJob))]
public sealed class StartGntInstanceCommand : GntInstanceActionCmdlet
{
    /// <summary>Start even if secondary disks are failing (Ganeti's --force).</summary>
    [Parameter]
    public SwitchParameter IgnoreSecondaryDisks { get; set; }

    /// <summary>Start now without recording "up" as the wanted state (Ganeti's --no-remember).</summary>
    [Parameter]
    public SwitchParameter NoRemember { get; set; }

    protected override void SubmitFor(string instance) =>
        Submit(instance, "Start instance (gnt-instance startup)",
            (dryRun, ct) => Client.StartupInstanceAsync(instance, dryRun, Reason, IgnoreSecondaryDisks, NoRemember, ct));
}
