using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;
using Ganeti.Remoting.Rapi.Requests;

namespace Ganeti.PowerShell.Commands;

/// <summary>Reboots instances (gnt-instance reboot).</summary>
[Cmdlet(VerbsLifecycle.Restart, "GntInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntInstance), typeof(GntJob))]
public sealed class RestartGntInstanceCommand : GntInstanceActionCmdlet
{
    /// <summary>Soft (inside the hypervisor), Hard (restart the hypervisor process) or Full (stop and start). Default: Soft.</summary>
    [Parameter]
    public RebootType? Type { get; set; }

    /// <summary>Seconds to wait for a clean shutdown in Hard and Full reboots.</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int? ShutdownTimeoutSeconds { get; set; }

    /// <summary>Ignore errors on the secondary node while reassembling disks (Hard and Full).</summary>
    [Parameter]
    public SwitchParameter IgnoreSecondaries { get; set; }

    protected override void SubmitFor(string instance) =>
        Submit(instance, $"Restart instance (gnt-instance reboot --type {(Type ?? RebootType.Soft).ToString().ToLowerInvariant()})",
            (dryRun, ct) => Client.RebootInstanceAsync(instance, dryRun, Reason, Type,
                IgnoreSecondaries ? true : null, ShutdownTimeoutSeconds, ct));
}
