namespace Ganeti.PowerShell.Commands;

/// <summary>How Move-GntInstance moves an instance to another node.</summary>
public enum GntInstanceMoveMode
{
    /// <summary>gnt-instance migrate: the running guest moves without a restart (shared or mirrored storage).</summary>
    Migrate,
    /// <summary>gnt-instance failover: stop on the primary, start on the target (shared or mirrored storage).</summary>
    Failover,
    /// <summary>gnt-instance move: stop, copy the disks to the target node, start there (node-local storage).</summary>
    Move,
}
