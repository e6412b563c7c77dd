using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>
/// Adds nodes to the cluster (gnt-node add). The node must be prepared first ('ganetid
/// prepare-node-join' on the master), so that the cluster key may run its node command.
/// </summary>
[Cmdlet(VerbsCommon.Add, "GntNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntNode), typeof(GntJob))]
public sealed class AddGntNodeCommand : GntJobCmdlet
{
    /// <summary>Name of the node to add.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NodeName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The node's primary IP address (default: its name's address, resolved by the master).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? PrimaryIP { get; set; }

    /// <summary>The node's secondary (replication) IP address (default: the primary).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? SecondaryIP { get; set; }

    /// <summary>Node group to put the node in (default: the cluster's default group).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Group { get; set; }

    /// <summary>The node is already in the configuration: add it again, online (Ganeti's --readd).</summary>
    [Parameter]
    public SwitchParameter Readd { get; set; }

    /// <summary>Whether the node may become a master candidate (default $true).</summary>
    [Parameter]
    public bool? MasterCapable { get; set; }

    /// <summary>Whether the node may host instances (default $true).</summary>
    [Parameter]
    public bool? VmCapable { get; set; }

    /// <summary>When the job succeeded, write the node as it is now.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() =>
        Submit(Name, Readd ? "Re-add node (gnt-node add --readd)" : "Add node (gnt-node add)",
            (dryRun, ct) => Client.AddNodeAsync(Name, PrimaryIP, SecondaryIP, Group, Readd, MasterCapable, VmCapable, dryRun, Reason, ct));

    protected override void OnJobSucceeded(Submitted submitted, GntJob job)
    {
        if (!PassThru) return;
        try
        {
            WriteObject(Run(ct => Client.GetNodeAsync(submitted.Target, ct)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, submitted.Target);
        }
    }
}
