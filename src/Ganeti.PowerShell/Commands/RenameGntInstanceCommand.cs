using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Renames an instance (gnt-instance rename).</summary>
[Cmdlet(VerbsCommon.Rename, "GntInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntInstance), typeof(GntJob))]
public sealed class RenameGntInstanceCommand : GntJobCmdlet
{
    /// <summary>The instance's current name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceName")]
    [ArgumentCompleter(typeof(InstanceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The new name.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";

    /// <summary>Do not check that the new name resolves (Ganeti's --no-name-check); implies -NoIpCheck.</summary>
    [Parameter]
    public SwitchParameter NoNameCheck { get; set; }

    /// <summary>Do not check that the new IP is unused (Ganeti's --no-ip-check).</summary>
    [Parameter]
    public SwitchParameter NoIpCheck { get; set; }

    /// <summary>When the job succeeded, write the renamed instance.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var name = Name;
        var newName = NewName;
        bool? nameCheck = NoNameCheck ? false : null;
        bool? ipCheck = NoNameCheck || NoIpCheck ? false : null;
        Submit(name, $"Rename instance to \"{newName}\" (gnt-instance rename)",
            (dryRun, ct) => Client.RenameInstanceAsync(name, newName, dryRun, Reason, ipCheck, nameCheck, ct), newName);
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job)
    {
        if (PassThru)
            WriteCurrentInstance((string)submitted.State!);
    }
}
