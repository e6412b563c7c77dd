using System.Text.Json.Nodes;
using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Cluster;

/// <summary>gnt-cluster redist-conf: writes the configuration again, which pushes it to every replica.</summary>
public sealed class LUClusterRedistConf : LogicalUnit<OpClusterRedistConf>
{
    public override bool RequiresBgl => true;

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        await Master.Config.UpdateAsync(c => c.Cluster.Touch(Config.ConfigStore.Now()), ct).ConfigureAwait(false);
        Log("Configuration redistributed");
        return null;
    }
}
