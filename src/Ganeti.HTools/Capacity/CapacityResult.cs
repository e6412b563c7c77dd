namespace Ganeti.HTools.Capacity;

/// <summary>What hspace found: how many instances of each spec fit, and why the next did not.</summary>
public sealed record CapacityResult(int Allocated, string FailReason, IReadOnlyList<(int Mem, int Dsk, int Cpu, int Count)> Tiers, double FinalScore);
