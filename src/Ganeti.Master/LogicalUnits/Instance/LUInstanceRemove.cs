using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>gnt-instance remove: stops the instance, removes its disks on every node and drops it from the configuration.</summary>
public sealed class LUInstanceRemove : InstanceLockingLU<OpInstanceRemove>
{
    protected override string InstanceName => Op.InstanceName;

    protected override bool PrimaryOnly => false;

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var inst = Inst;
        var cfg = Cfg;
        Log($"Shutting down instance {inst.Name}");
        try
        {
            if (await InstanceOps.LiveInfoAsync(Master, cfg, inst, ct).ConfigureAwait(false) is not null)
                await InstanceOps.StopAsync(Master, cfg, inst, Op.ShutdownTimeout, Op.IgnoreFailures, Log, ct).ConfigureAwait(false);
            await InstanceOps.ShutdownDisksAsync(Master, cfg, inst, Log, Op.IgnoreFailures, ct).ConfigureAwait(false);
        }
        catch (GanetiException e) when (Op.IgnoreFailures)
        {
            Log($"Warning: could not shut down {inst.Name}: {e.Message}; going on as asked (ignore_failures)");
        }
        catch (GanetiException e)
        {
            throw GanetiException.Exec($"Could not shut down instance {inst.Name} on node {cfg.Nodes[inst.PrimaryNode].Name}: {e.Message}", e);
        }

        Log("Removing disks");
        var disks = cfg.InstanceDisks(inst);
        var failed = new List<string>();
        for (var i = 0; i < disks.Count; i++)
            foreach (var nodeUuid in disks[i].Nodes)
            {
                try
                {
                    await Master.Rpc.CallAsync(cfg.Nodes[nodeUuid], NodeProcedures.BlockdevRemove,
                        new { disk = InstanceSpecs.Disk(disks[i], i) }, ct).ConfigureAwait(false);
                }
                catch (GanetiException e)
                {
                    failed.Add($"disk/{i} on {cfg.Nodes[nodeUuid].Name}: {e.Message}");
                }
            }
        if (failed.Count > 0 && !Op.IgnoreFailures)
            throw GanetiException.Exec($"Could not remove all disks of {inst.Name}: {string.Join("; ", failed)}");
        foreach (var f in failed) Log($"Warning: could not remove {f}");

        await Master.Config.UpdateAsync(c =>
        {
            if (!c.Instances.Remove(inst.Uuid, out var removed)) return;
            foreach (var d in removed.Disks) c.Disks.Remove(d);
            if (removed.NetworkPort is { } port && !c.Cluster.TcpudpPortPool.Contains(port))
                c.Cluster.TcpudpPortPool.Add(port);
        }, ct).ConfigureAwait(false);
        Log($"Instance {inst.Name} removed");
        return null;
    }
}
