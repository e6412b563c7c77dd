using System.Management.Automation;
using System.Text.Json.Nodes;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Brings drained or offline nodes back into service (gnt-node modify --drained no --offline no).</summary>
[Cmdlet(VerbsLifecycle.Resume, "GntNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntNode), typeof(GntJob))]
public sealed class ResumeGntNodeCommand : GntNodeTargetCmdlet
{
    protected override void SubmitFor(string node) =>
        Submit(node, "Undrain and bring node online (gnt-node modify --drained no --offline no)",
            (dryRun, ct) => Client.ModifyNodeAsync(node, new JsonObject { ["drained"] = false, ["offline"] = false }, dryRun, Reason, ct));
    /// <summary>When the job succeeded, write the node as it is now.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job)
    {
        if (PassThru)
            WriteCurrentNode(submitted.Target);
    }
}
