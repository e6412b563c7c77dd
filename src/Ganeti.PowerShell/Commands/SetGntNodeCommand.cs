using System.Management.Automation;
using System.Text.Json.Nodes;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Changes nodes' roles and flags (gnt-node modify).</summary>
[Cmdlet(VerbsCommon.Set, "GntNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntNode), typeof(GntJob))]
public sealed class SetGntNodeCommand : GntNodeTargetCmdlet
{
    /// <summary>Make the node a master candidate ($true) or demote it ($false).</summary>
    [Parameter]
    public bool? MasterCandidate { get; set; }

    /// <summary>Drain the node ($true: no new instances are placed on it) or undrain it ($false).</summary>
    [Parameter]
    public bool? Drained { get; set; }

    /// <summary>Mark the node offline ($true: the master stops contacting it) or bring it back online ($false).</summary>
    [Parameter]
    public bool? Offline { get; set; }

    /// <summary>Whether the node may host instances.</summary>
    [Parameter]
    public bool? VmCapable { get; set; }

    /// <summary>Whether the node may become a master candidate.</summary>
    [Parameter]
    public bool? MasterCapable { get; set; }

    /// <summary>The node's new secondary (replication) IP address.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SecondaryIP { get; set; }

    /// <summary>Promote other nodes to master candidate when this change takes one away (Ganeti's --auto-promote).</summary>
    [Parameter]
    public SwitchParameter AutoPromote { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (Changes().Count == 0)
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("Give at least one change: -MasterCandidate, -Drained, -Offline, -VmCapable, -MasterCapable or -SecondaryIP."),
                "GntNoChange", ErrorCategory.InvalidArgument, null));
    }

    private JsonObject Changes()
    {
        var o = new JsonObject();
        if (MasterCandidate is { } mc) o["master_candidate"] = mc;
        if (Drained is { } d) o["drained"] = d;
        if (Offline is { } off) o["offline"] = off;
        if (VmCapable is { } vm) o["vm_capable"] = vm;
        if (MasterCapable is { } cap) o["master_capable"] = cap;
        if (SecondaryIP is { } ip) o["secondary_ip"] = ip;
        return o;
    }

    protected override void SubmitFor(string node)
    {
        var changes = Changes();
        var what = string.Join(", ", changes.Select(kv => $"{kv.Key}={kv.Value?.ToJsonString()}"));
        if (AutoPromote) changes["auto_promote"] = true;
        Submit(node, $"Modify node: {what} (gnt-node modify)", (dryRun, ct) => Client.ModifyNodeAsync(node, changes, dryRun, Reason, ct));
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
