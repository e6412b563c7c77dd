using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>
/// Moves instances off nodes (gnt-node evacuate). The master plans the moves and submits one
/// job per instance; by default this waits for the planning job and writes those jobs.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "GntNodeEvacuation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntJob))]
public sealed class InvokeGntNodeEvacuationCommand : GntJobCmdlet
{
    /// <summary>Node names; binds the Name or NodeName of piped objects (Get-GntNode).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NodeName")]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    /// <summary>Which instances move: those whose primary is the node, whose secondary is, or all (the default).</summary>
    [Parameter]
    [ValidateSet("All", "Primary", "Secondary")]
    public string Mode { get; set; } = "All";

    /// <summary>Instance allocator that picks the new nodes; the cluster's default when neither this nor -RemoteNode is given.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Allocator { get; set; }

    /// <summary>The new secondary node for all moved instances (only with -Mode Secondary).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RemoteNode { get; set; }

    /// <summary>Release locks early during disk replacements, trading safety for concurrency.</summary>
    [Parameter]
    public SwitchParameter EarlyRelease { get; set; }

    private string WireMode => Mode.ToLowerInvariant() switch
    {
        "primary" => "primary-only",
        "secondary" => "secondary-only",
        _ => "all",
    };

    protected override void BeginProcessing()
    {
        if (RemoteNode is not null && Allocator is not null)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("Give either -RemoteNode or -Allocator, not both."),
                "GntConflictingParameters", ErrorCategory.InvalidArgument, RemoteNode));
        if (RemoteNode is not null && !string.Equals(Mode, "Secondary", StringComparison.OrdinalIgnoreCase))
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-RemoteNode only takes secondary instances: use -Mode Secondary."),
                "GntConflictingParameters", ErrorCategory.InvalidArgument, RemoteNode));
        base.BeginProcessing();
    }

    protected override void ProcessRecord()
    {
        foreach (var node in Name)
            Submit(node, $"Evacuate {Mode.ToLowerInvariant()} instances (gnt-node evacuate)",
                (dryRun, ct) => Client.EvacuateNodeAsync(node, WireMode, Allocator, RemoteNode, EarlyRelease, dryRun, Reason, ct));
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job) =>
        WriteFollowUpJobs(submitted, job, $"Node {submitted.Target} has no instances to move.");
}
