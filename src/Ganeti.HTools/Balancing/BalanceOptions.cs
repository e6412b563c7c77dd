namespace Ganeti.HTools.Balancing;

/// <summary>Balancing options, with Ganeti's defaults.</summary>
public sealed record BalanceOptions
{
    public bool DiskMoves { get; init; } = true;
    public bool InstanceMoves { get; init; } = true;
    public bool RestrictedMigration { get; init; }
    public bool IgnoreSoftErrors { get; init; }
    public bool EvacMode { get; init; }
    public double MinGain { get; init; } = 1e-2;
    public double MinGainLimit { get; init; } = 1e-1;
    /// <summary>Maximum number of moves; negative means unlimited.</summary>
    public int MaxLength { get; init; } = -1;
    /// <summary>Stop once the score is this close to the optimum (-e).</summary>
    public double MinScore { get; init; } = 1e-9;
    /// <summary>
    /// Refuse any move that leaves a node N+1-failing that was not before. Ganeti's own
    /// checks let a node slip when its free memory exactly equals its reservation. Moves of an
    /// instance off an offline node are exempt: Ganeti forces them, since the instance is down
    /// or unmirrored until it moves.
    /// </summary>
    public bool StrictN1 { get; init; } = true;
    /// <summary>Evaluate candidate moves on several threads.</summary>
    public bool Parallel { get; init; } = true;
    /// <summary>How each round looks for the best move (see <see cref="BalanceSearch"/>).</summary>
    public BalanceSearch Search { get; init; } = BalanceSearch.Auto;
    /// <summary>Simulate and score every candidate move on its own (slow; the reference the shared evaluation is tested against).</summary>
    internal bool ScoreOneByOne { get; init; }
}
