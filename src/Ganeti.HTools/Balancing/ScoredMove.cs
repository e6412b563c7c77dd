namespace Ganeti.HTools.Balancing;

/// <summary>A candidate move and the cluster score after it; no instance (-1) means none found.</summary>
internal readonly record struct ScoredMove(double Score, int Instance, Move Move)
{
    public bool Found => Instance >= 0;
    public static ScoredMove None(double score) => new(score, -1, default);
}
