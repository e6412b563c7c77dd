using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Removes instances and their disks (gnt-instance remove). Asks for confirmation.</summary>
[Cmdlet(VerbsCommon.Remove, "GntInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(GntJob))]
public sealed class RemoveGntInstanceCommand : GntInstanceActionCmdlet
{
    /// <summary>Seconds to wait for a clean shutdown of a running instance.</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int? ShutdownTimeoutSeconds { get; set; }

    /// <summary>Remove the instance from the configuration even if its disks cannot be removed (Ganeti's --ignore-failures).</summary>
    [Parameter]
    public SwitchParameter IgnoreFailures { get; set; }

    protected override void SubmitFor(string instance) =>
        Submit(instance, "Remove instance and its disks (gnt-instance remove)",
            (dryRun, ct) => Client.DeleteInstanceAsync(instance, dryRun, Reason, ShutdownTimeoutSeconds, IgnoreFailures, ct));

    protected override void OnJobSucceeded(Submitted submitted, GntJob job) => WriteVerbose($"Removed instance {submitted.Target}.");
}
