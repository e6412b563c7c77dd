using System.Collections;
using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;
using Ganeti.Remoting.Rapi.Requests;

namespace Ganeti.PowerShell.Commands;

/// <summary>Creates a node group (gnt-group add) and writes it.</summary>
[Cmdlet(VerbsCommon.New, "GntGroup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntGroup), typeof(GntJob))]
public sealed class NewGntGroupCommand : GntJobCmdlet
{
    /// <summary>The new group's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("GroupName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>How the allocator treats the group: preferred (the default), last_resort (only when no preferred group fits) or unallocable (never).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("preferred", "last_resort", "unallocable")]
    public string? AllocPolicy { get; set; }

    /// <summary>Node parameter overrides for the group's nodes (oob_program, spindle_count, exclusive_storage, ssh_port, ...).</summary>
    [Parameter]
    [Alias("NdParams")]
    public Hashtable? NodeParameter { get; set; }

    /// <summary>Disk parameter overrides per disk template: @{ drbd = @{ 'resync-rate' = 2048 } }.</summary>
    [Parameter]
    [Alias("DiskParams")]
    public Hashtable? DiskParameter { get; set; }

    /// <summary>Instance policy overrides (minmax, disk-templates, vcpu-ratio, spindle-ratio); std is the cluster's alone.</summary>
    [Parameter]
    [Alias("IPolicy")]
    public Hashtable? InstancePolicy { get; set; }

    protected override void ProcessRecord()
    {
        GroupCreateSpec spec;
        try
        {
            spec = GroupParameterBuilder.Create(Name, AllocPolicy, NodeParameter, DiskParameter, InstancePolicy);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "GntInvalidParameter", ErrorCategory.InvalidArgument, Name));
            return;
        }
        Submit(spec.Name, "Create node group (gnt-group add)",
            (dryRun, ct) => Client.CreateGroupAsync(spec, dryRun, Reason, ct), spec.Name);
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job) => WriteCurrentGroup((string)submitted.State!);
}
