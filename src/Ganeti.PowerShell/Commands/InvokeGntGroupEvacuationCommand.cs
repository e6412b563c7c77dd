using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;
using Ganeti.Remoting.Rapi.Requests;

namespace Ganeti.PowerShell.Commands;

/// <summary>
/// Moves every instance out of node groups (gnt-group evacuate). The master plans the moves
/// with the instance allocator and submits them as jobs; by default this waits for the
/// planning job and writes those jobs.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "GntGroupEvacuation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntJob))]
public sealed class InvokeGntGroupEvacuationCommand : GntGroupTargetCmdlet
{
    /// <summary>Groups the instances may move to; by default every other group whose policy is not unallocable.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(GroupNameCompleter))]
    public string[]? TargetGroup { get; set; }

    /// <summary>Instance allocator that plans the moves; the cluster's default when not given.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Allocator { get; set; }

    /// <summary>Release locks early during disk replacements, trading safety for concurrency.</summary>
    [Parameter]
    public SwitchParameter EarlyRelease { get; set; }

    /// <summary>Make each move wait for the one before it instead of running them all at once.</summary>
    [Parameter]
    public SwitchParameter Sequential { get; set; }

    /// <summary>Fail instances over (restarting them) instead of migrating them live.</summary>
    [Parameter]
    public SwitchParameter ForceFailover { get; set; }

    protected override void SubmitFor(string group)
    {
        var options = new GroupEvacuateOptions
        {
            TargetGroups = TargetGroup ?? [],
            Iallocator = Allocator,
            EarlyRelease = EarlyRelease,
            Sequential = Sequential,
            ForceFailover = ForceFailover,
        };
        var to = options.TargetGroups.Count > 0 ? $" to {string.Join(", ", options.TargetGroups)}" : "";
        Submit(group, $"Evacuate node group{to} (gnt-group evacuate)",
            (dryRun, ct) => Client.EvacuateGroupAsync(group, options, dryRun, Reason, ct));
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job) =>
        WriteFollowUpJobs(submitted, job, $"Node group {submitted.Target} has no instances to move.", "node group");
}
