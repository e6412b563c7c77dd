using System.Text.Json.Nodes;
using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Cluster;

/// <summary>gnt-cluster info: the cluster's configuration and versions.</summary>
public sealed class LUClusterQuery : LogicalUnit<OpClusterQuery>
{
    public override Task<JsonNode?> ExecAsync(CancellationToken ct) => Task.FromResult<JsonNode?>(ClusterInfo.Build(Cfg));
}
