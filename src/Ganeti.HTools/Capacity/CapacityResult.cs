using Ganeti.HTools.Model;

namespace Ganeti.HTools.Capacity;

/// <summary>
/// What hspace found: how many instances of each spec fit, why the next did not, and the
/// failure counts of that last attempt (per reason, over all the nodes tried).
/// </summary>
public sealed record CapacityResult(int Allocated, string FailReason, IReadOnlyList<(int Mem, int Dsk, int Cpu, int Spn, int Count)> Tiers, double FinalScore,
    IReadOnlyDictionary<FailMode, int>? LastFailures = null);
