using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;
using Ganeti.Remoting.Rapi.Requests;

namespace Ganeti.PowerShell.Commands;

/// <summary>
/// Moves instances to another node: live or non-live migration (gnt-instance migrate), failover
/// (gnt-instance failover) or a copy of the disks (gnt-instance move). -Mode says which; the
/// parameter sets group the parameters each mode takes. A migration keeps the guest running
/// (ConfirmImpact Medium); a failover or move restarts it, so those modes ask for confirmation
/// as a High-impact cmdlet does (-Confirm:$false or $ConfirmPreference = 'None' to skip).
/// </summary>
[Cmdlet(VerbsCommon.Move, "GntInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = FailoverSet)]
[OutputType(typeof(GntInstance), typeof(GntJob))]
public sealed class MoveGntInstanceCommand : GntInstanceActionCmdlet
{
    private const string MigrateSet = "Migrate";
    private const string FailoverSet = "Failover";
    private const string MoveSet = "Move";

    /// <summary>Migrate (no restart), Failover (stop and start elsewhere) or Move (copy the disks).</summary>
    [Parameter(Mandatory = true)]
    public GntInstanceMoveMode Mode { get; set; }

    /// <summary>The node to move to: required by -Mode Move; shared-storage instances need this or -IAllocator; mirrored (drbd) instances go to their secondary.</summary>
    [Parameter(ParameterSetName = MigrateSet)]
    [Parameter(ParameterSetName = FailoverSet)]
    [Parameter(ParameterSetName = MoveSet)]
    [Alias("Node")]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? TargetNode { get; set; }

    /// <summary>The instance allocator that picks the target node of a shared-storage instance (hail).</summary>
    [Parameter(ParameterSetName = MigrateSet)]
    [Parameter(ParameterSetName = FailoverSet)]
    [ValidateNotNullOrEmpty]
    public string? IAllocator { get; set; }

    /// <summary>Pause the guest during the copy (non-live migration) instead of following the instance's migration_mode.</summary>
    [Parameter(ParameterSetName = MigrateSet)]
    public SwitchParameter NonLive { get; set; }

    /// <summary>Migrate without pausing the guest, whatever the instance's migration_mode says.</summary>
    [Parameter(ParameterSetName = MigrateSet)]
    public SwitchParameter Live { get; set; }

    /// <summary>Repair a migration that was interrupted: find where the instance runs and make the configuration agree.</summary>
    [Parameter(ParameterSetName = MigrateSet)]
    public SwitchParameter Cleanup { get; set; }

    /// <summary>Fail over instead when the instance cannot be migrated (it is not running, or its hypervisor cannot migrate).</summary>
    [Parameter(ParameterSetName = MigrateSet)]
    public SwitchParameter AllowFailover { get; set; }

    /// <summary>Refuse to shrink the instance's memory to fit the target (Ganeti's --no-runtime-changes).</summary>
    [Parameter(ParameterSetName = MigrateSet)]
    public SwitchParameter NoRuntimeChanges { get; set; }

    /// <summary>Go on when the instance cannot be stopped on its primary node or its disks are not in sync.</summary>
    [Parameter(ParameterSetName = FailoverSet)]
    [Parameter(ParameterSetName = MoveSet)]
    public SwitchParameter IgnoreConsistency { get; set; }

    /// <summary>Seconds to wait for a clean shutdown on the primary node before forcing it (Ganeti's default 120).</summary>
    [Parameter(ParameterSetName = FailoverSet)]
    [Parameter(ParameterSetName = MoveSet)]
    [Alias("ShutdownTimeout")]
    [ValidateRange(0, 86400)]
    public int? ShutdownTimeoutSeconds { get; set; }

    /// <summary>Compression of the disk copy: none, or a tool the cluster allows (gzip, ...).</summary>
    [Parameter(ParameterSetName = MoveSet)]
    [ValidateNotNullOrEmpty]
    public string? Compress { get; set; }

    /// <summary>Move even if the instance breaks the target group's instance policy.</summary>
    [Parameter]
    public SwitchParameter IgnoreIPolicy { get; set; }

    private static readonly Dictionary<string, GntInstanceMoveMode[]> ModesOf = new(StringComparer.OrdinalIgnoreCase)
    {
        [nameof(IAllocator)] = [GntInstanceMoveMode.Migrate, GntInstanceMoveMode.Failover],
        [nameof(NonLive)] = [GntInstanceMoveMode.Migrate],
        [nameof(Live)] = [GntInstanceMoveMode.Migrate],
        [nameof(Cleanup)] = [GntInstanceMoveMode.Migrate],
        [nameof(AllowFailover)] = [GntInstanceMoveMode.Migrate],
        [nameof(NoRuntimeChanges)] = [GntInstanceMoveMode.Migrate],
        [nameof(IgnoreConsistency)] = [GntInstanceMoveMode.Failover, GntInstanceMoveMode.Move],
        [nameof(ShutdownTimeoutSeconds)] = [GntInstanceMoveMode.Failover, GntInstanceMoveMode.Move],
        [nameof(Compress)] = [GntInstanceMoveMode.Move],
    };

    /// <summary>
    /// The parameter set only groups parameters; -Mode decides what is submitted, so a parameter
    /// of another mode, or a missing target for Move, is refused before anything is sent.
    /// </summary>
    protected override void BeginProcessing()
    {
        foreach (var (parameter, modes) in ModesOf)
        {
            if (!MyInvocation.BoundParameters.ContainsKey(parameter) && !(parameter == nameof(ShutdownTimeoutSeconds)
                    && MyInvocation.BoundParameters.ContainsKey("ShutdownTimeout")))
                continue;
            if (!modes.Contains(Mode))
                BadArgument($"-{parameter} applies to -Mode {string.Join(" or ", modes)}, not to -Mode {Mode}", parameter);
        }
        if (NonLive && Live)
            BadArgument("Give -Live or -NonLive, not both", nameof(Live));
        if (Mode == GntInstanceMoveMode.Move && string.IsNullOrEmpty(TargetNode))
            BadArgument("-Mode Move needs -TargetNode: the disks are copied to that node", nameof(TargetNode));
        if (TargetNode is not null && IAllocator is not null)
            BadArgument("Give -TargetNode or -IAllocator, not both", nameof(IAllocator));
    }

    private void BadArgument(string message, string parameter) =>
        ThrowTerminatingError(ToRecord(new GntErrorInfo("GntInvalidArgument", nameof(ErrorCategory.InvalidArgument), true, message),
            parameter, new ArgumentException(message, parameter)));

    protected override void SubmitFor(string instance)
    {
        var where = TargetNode is not null ? $" to {TargetNode}" : IAllocator is not null ? $" to the node {IAllocator} picks" : "";
        switch (Mode)
        {
            case GntInstanceMoveMode.Migrate:
                var migrate = new InstanceMigrateOptions
                {
                    Live = NonLive ? false : Live ? true : null,
                    TargetNode = TargetNode,
                    Iallocator = IAllocator,
                    Cleanup = Cleanup,
                    AllowFailover = AllowFailover,
                    AllowRuntimeChanges = NoRuntimeChanges ? false : null,
                    IgnoreIpolicy = IgnoreIPolicy,
                };
                var action = Cleanup
                    ? "Clean up an interrupted migration (gnt-instance migrate --cleanup)"
                    : $"Migrate instance{(NonLive ? " non-live" : "")}{where} (gnt-instance migrate)";
                Submit(instance, action, (dryRun, ct) => Client.MigrateInstanceAsync(instance, migrate, dryRun, Reason, ct));
                break;
            case GntInstanceMoveMode.Failover:
                var failover = new InstanceFailoverOptions
                {
                    TargetNode = TargetNode,
                    Iallocator = IAllocator,
                    IgnoreConsistency = IgnoreConsistency,
                    ShutdownTimeout = ShutdownTimeoutSeconds,
                    IgnoreIpolicy = IgnoreIPolicy,
                };
                Submit(instance, $"Fail over instance{where}, restarting it (gnt-instance failover)",
                    (dryRun, ct) => Client.FailoverInstanceAsync(instance, failover, dryRun, Reason, ct), highImpact: true);
                break;
            default:
                var move = new InstanceMoveOptions
                {
                    TargetNode = TargetNode!,
                    IgnoreConsistency = IgnoreConsistency,
                    ShutdownTimeout = ShutdownTimeoutSeconds,
                    Compress = Compress,
                    IgnoreIpolicy = IgnoreIPolicy,
                };
                Submit(instance, $"Move instance and copy its disks{where}, restarting it (gnt-instance move)",
                    (dryRun, ct) => Client.MoveInstanceAsync(instance, move, dryRun, Reason, ct), highImpact: true);
                break;
        }
    }
}
