using System.Collections;
using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>
/// Reinstalls the OS of instances (gnt-instance reinstall): stops the instance, runs the OS
/// definition's create script over its disks, and starts it again. The disks' data is lost.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "GntInstanceOS", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(GntInstance), typeof(GntJob))]
public sealed class InstallGntInstanceOSCommand : GntInstanceActionCmdlet
{
    /// <summary>OS definition, with variant (debootstrap+default); default: the instance's current OS.</summary>
    [Parameter]
    [Alias("OsType", "OperatingSystem")]
    [ArgumentCompleter(typeof(OSNameCompleter))]
    public string? OS { get; set; }

    /// <summary>OS parameters (Ganeti's -O), e.g. @{dhcp='no'}; they replace the instance's own.</summary>
    [Parameter]
    public Hashtable? OSParameter { get; set; }

    /// <summary>Leave the instance stopped after the reinstall (Ganeti's RAPI start=false).</summary>
    [Parameter]
    public SwitchParameter NoStart { get; set; }

    protected override void SubmitFor(string instance)
    {
        var os = string.IsNullOrEmpty(OS) ? null : OS;
        var osParams = InstanceCreateBuilder.Plain(OSParameter);
        var action = os is null
            ? "Reinstall the OS, erasing the disks (gnt-instance reinstall)"
            : $"Reinstall with OS {os}, erasing the disks (gnt-instance reinstall)";
        Submit(instance, action,
            (dryRun, ct) => Client.ReinstallInstanceAsync(instance, os, osParams, !NoStart, dryRun, Reason, ct));
    }
}
