namespace Ganeti.HTools.Balancing;

/// <summary>One step of a balancing plan: the instance, its new nodes, the move and the score after it.</summary>
public sealed record Placement(int Instance, int NewPrimary, int NewSecondary, Move Move, double Score,
    int OldPrimary, int OldSecondary);
