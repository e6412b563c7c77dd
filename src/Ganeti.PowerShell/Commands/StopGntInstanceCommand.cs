using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Stops instances (gnt-instance shutdown).</summary>
[Cmdlet(VerbsLifecycle.Stop, "GntInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntInstance), typeof(GntJob))]
public sealed class StopGntInstanceCommand : GntInstanceActionCmdlet
{
    /// <summary>Seconds to wait for a clean shutdown before the hypervisor forces it off (Ganeti's default 120).</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int? TimeoutSeconds { get; set; }

    /// <summary>Stop now without recording "down" as the wanted state (Ganeti's --no-remember).</summary>
    [Parameter]
    public SwitchParameter NoRemember { get; set; }

    protected override void SubmitFor(string instance) =>
        Submit(instance, "Stop instance (gnt-instance shutdown)",
            (dryRun, ct) => Client.ShutdownInstanceAsync(instance, dryRun, Reason, TimeoutSeconds, NoRemember, ct));
}
