using Ganeti.HTools.Model;

namespace Ganeti.HTools.Allocation;

public sealed record IAllocatorInput(ClusterData Cluster)
{
    public static IAllocatorInput Parse(string json) => throw new NotImplementedException();
}
