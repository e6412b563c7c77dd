using System.Collections;
using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;
using Ganeti.Remoting.Rapi.Requests;

namespace Ganeti.PowerShell.Commands;

/// <summary>Changes node groups' allocation policy and parameter overrides (gnt-group modify).</summary>
[Cmdlet(VerbsCommon.Set, "GntGroup", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntGroup), typeof(GntJob))]
public sealed class SetGntGroupCommand : GntGroupTargetCmdlet
{
    /// <summary>How the allocator treats the group: preferred, last_resort (only when no preferred group fits) or unallocable (never).</summary>
    [Parameter]
    [ValidateSet("preferred", "last_resort", "unallocable")]
    public string? AllocPolicy { get; set; }

    /// <summary>Node parameter overrides, merged into the group's; a value of 'default' removes one.</summary>
    [Parameter]
    [Alias("NdParams")]
    public Hashtable? NodeParameter { get; set; }

    /// <summary>Disk parameter overrides per disk template, merged into the group's; a value of 'default' removes one.</summary>
    [Parameter]
    [Alias("DiskParams")]
    public Hashtable? DiskParameter { get; set; }

    /// <summary>Instance policy overrides, merged into the group's; a value of 'default' removes one. Instances the new policy no longer admits are named in a warning.</summary>
    [Parameter]
    [Alias("IPolicy")]
    public Hashtable? InstancePolicy { get; set; }

    /// <summary>When the job succeeded, write the group as it is now.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private GroupModifyOptions _changes = null!;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            _changes = GroupParameterBuilder.Modify(AllocPolicy, NodeParameter, DiskParameter, InstancePolicy);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "GntInvalidParameter", ErrorCategory.InvalidArgument, null));
        }
        if (_changes.IsEmpty)
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("Give at least one change: -AllocPolicy, -NodeParameter, -DiskParameter or -InstancePolicy."),
                "GntNoChange", ErrorCategory.InvalidArgument, null));
    }

    protected override void SubmitFor(string group)
    {
        var what = string.Join(", ", new[]
        {
            _changes.AllocPolicy is { } p ? $"alloc_policy={p}" : null,
            _changes.NdParams is not null ? "ndparams" : null,
            _changes.DiskParams is not null ? "diskparams" : null,
            _changes.IPolicy is not null ? "ipolicy" : null,
        }.OfType<string>());
        Submit(group, $"Modify node group: {what} (gnt-group modify)",
            (dryRun, ct) => Client.ModifyGroupAsync(group, _changes, dryRun, Reason, ct));
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job)
    {
        WriteJobWarnings(job);
        if (PassThru)
            WriteCurrentGroup(submitted.Target);
    }
}
