using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>
/// Migrates all primary instances off nodes (gnt-node migrate). The master submits one
/// migration job per primary instance; by default this waits for that submission and writes
/// the migration jobs.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "GntNodeMigration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntJob))]
public sealed class InvokeGntNodeMigrationCommand : GntNodeTargetCmdlet
{
    /// <summary>Pause each guest during the copy (non-live migration) instead of following the instance's migration_mode.</summary>
    [Parameter]
    public SwitchParameter NonLive { get; set; }

    /// <summary>Migrate without pausing the guests, whatever their migration_mode says.</summary>
    [Parameter]
    public SwitchParameter Live { get; set; }

    /// <summary>The node to migrate shared-storage instances to; mirrored (drbd) instances always go to their secondary.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? TargetNode { get; set; }

    /// <summary>The instance allocator that picks each shared-storage instance's target (hail); the cluster's default otherwise.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? IAllocator { get; set; }

    /// <summary>Refuse to shrink an instance's memory to fit its target (Ganeti's --no-runtime-changes).</summary>
    [Parameter]
    public SwitchParameter NoRuntimeChanges { get; set; }

    /// <summary>Migrate even if an instance breaks the target group's instance policy.</summary>
    [Parameter]
    public SwitchParameter IgnoreIPolicy { get; set; }

    protected override void BeginProcessing()
    {
        if (NonLive && Live)
            BadArgument("Give -Live or -NonLive, not both", nameof(Live));
        if (TargetNode is not null && IAllocator is not null)
            BadArgument("Give -TargetNode or -IAllocator, not both", nameof(IAllocator));
        base.BeginProcessing();
    }

    private void BadArgument(string message, string parameter) =>
        ThrowTerminatingError(ToRecord(new GntErrorInfo("GntInvalidArgument", nameof(ErrorCategory.InvalidArgument), true, message),
            parameter, new ArgumentException(message, parameter)));

    protected override void SubmitFor(string node)
    {
        bool? live = NonLive ? false : Live ? true : null;
        var where = TargetNode is not null ? $" to {TargetNode}" : IAllocator is not null ? $" to the nodes {IAllocator} picks" : "";
        Submit(node, $"Migrate the primary instances{(NonLive ? " non-live" : "")}{where} (gnt-node migrate)",
            (dryRun, ct) => Client.MigrateNodeAsync(node, live, TargetNode, IAllocator, NoRuntimeChanges ? false : null, IgnoreIPolicy,
                dryRun, Reason, ct));
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job) =>
        WriteFollowUpJobs(submitted, job, $"Node {submitted.Target} has no primary instances to migrate.");
}
