using Ganeti.HTools.Model;

namespace Ganeti.HTools.Allocation;

/// <summary>The best placement found for a new instance, or why there is none.</summary>
public sealed record AllocResult(bool Success, int Primary, int Secondary, double Score, int Group, string Info,
    IReadOnlyDictionary<FailMode, int> Failures)
{
    public IEnumerable<int> Nodes => Secondary >= 0 ? new[] { Primary, Secondary } : new[] { Primary };
}
