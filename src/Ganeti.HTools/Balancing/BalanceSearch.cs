namespace Ganeti.HTools.Balancing;

/// <summary>How a balancing round finds its move.</summary>
public enum BalanceSearch
{
    /// <summary>Exhaustive on small groups, focused once a round has many candidate moves.</summary>
    Auto,
    /// <summary>Every round scores every move of every instance, as hbal does.</summary>
    Exhaustive,
    /// <summary>
    /// A round first scores only the moves from the most loaded nodes to the least loaded
    /// ones, widening the window when that finds nothing; only then does it search
    /// exhaustively. The plan therefore only ends where hbal's search would also find no move.
    /// </summary>
    Focused,
}
