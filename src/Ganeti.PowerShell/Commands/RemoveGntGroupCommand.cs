using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Removes empty node groups (gnt-group remove). Asks for confirmation.</summary>
[Cmdlet(VerbsCommon.Remove, "GntGroup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(GntJob))]
public sealed class RemoveGntGroupCommand : GntGroupTargetCmdlet
{
    protected override void SubmitFor(string group) =>
        Submit(group, "Remove node group (gnt-group remove)",
            (dryRun, ct) => Client.DeleteGroupAsync(group, dryRun, Reason, ct));

    protected override void OnJobSucceeded(Submitted submitted, GntJob job) => WriteVerbose($"Removed node group {submitted.Target}.");
}
