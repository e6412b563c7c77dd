using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Renames a node group (gnt-group rename).</summary>
[Cmdlet(VerbsCommon.Rename, "GntGroup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntGroup), typeof(GntJob))]
public sealed class RenameGntGroupCommand : GntJobCmdlet
{
    /// <summary>The group's current name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("GroupName")]
    [ArgumentCompleter(typeof(GroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The new name.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string NewName { get; set; } = "";

    /// <summary>When the job succeeded, write the renamed group.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var name = Name;
        var newName = NewName;
        Submit(name, $"Rename node group to \"{newName}\" (gnt-group rename)",
            (dryRun, ct) => Client.RenameGroupAsync(name, newName, dryRun, Reason, ct), newName);
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job)
    {
        if (PassThru)
            WriteCurrentGroup((string)submitted.State!);
    }
}
