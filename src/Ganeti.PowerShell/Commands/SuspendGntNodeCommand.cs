using System.Management.Automation;
using System.Text.Json.Nodes;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Drains nodes, optionally marking them offline (gnt-node modify --drained yes / --offline yes).</summary>
[Cmdlet(VerbsLifecycle.Suspend, "GntNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntNode), typeof(GntJob))]
public sealed class SuspendGntNodeCommand : GntNodeTargetCmdlet
{
    /// <summary>Mark the node offline instead of only draining it: the master stops contacting it (for a node that is down).</summary>
    [Parameter]
    public SwitchParameter Offline { get; set; }

    /// <summary>Promote other nodes to master candidate when this node stops being one (Ganeti's --auto-promote).</summary>
    [Parameter]
    public SwitchParameter AutoPromote { get; set; }

    protected override void SubmitFor(string node)
    {
        // Ganeti allows one of drained and offline at a time; offline implies no new instances anyway.
        var changes = Offline ? new JsonObject { ["offline"] = true } : new JsonObject { ["drained"] = true };
        if (AutoPromote) changes["auto_promote"] = true;
        Submit(node, Offline ? "Mark node offline (gnt-node modify --offline yes)" : "Drain node (gnt-node modify --drained yes)",
            (dryRun, ct) => Client.ModifyNodeAsync(node, changes, dryRun, Reason, ct));
    }

    /// <summary>When the job succeeded, write the node as it is now.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job)
    {
        if (PassThru)
            WriteCurrentNode(submitted.Target);
    }
}
