namespace Ganeti.HTools.Balancing;

/// <summary>The instance moves Ganeti knows (Types.hs IMove).</summary>
public enum MoveKind { Failover, FailoverToAny, ReplacePrimary, ReplaceSecondary, ReplaceAndFailover, FailoverAndReplace }

/// <summary>A move and its target node (unused for a plain failover).</summary>
public readonly record struct Move(MoveKind Kind, int Target)
{
    public static readonly Move Failover = new(MoveKind.Failover, -1);
}
