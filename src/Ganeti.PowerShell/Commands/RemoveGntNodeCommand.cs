using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Removes nodes from the cluster (gnt-node remove). Asks for confirmation.</summary>
[Cmdlet(VerbsCommon.Remove, "GntNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(GntJob))]
public sealed class RemoveGntNodeCommand : GntNodeTargetCmdlet
{
    protected override void SubmitFor(string node) =>
        Submit(node, "Remove node from the cluster (gnt-node remove)",
            (dryRun, ct) => Client.RemoveNodeAsync(node, dryRun, Reason, ct));

    protected override void OnJobSucceeded(Submitted submitted, GntJob job) => WriteVerbose($"Removed node {submitted.Target}.");
}
