using Ganeti.Core.Errors;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>Removing an instance: stop it, remove its disks everywhere, drop it from the configuration.</summary>
public static class InstanceRemoval
{
    public static async Task RemoveAsync(MasterContext master, Core.Config.Instance inst, int shutdownTimeout, bool ignoreFailures,
        Action<string> log, CancellationToken ct)
    {
        var cfg = master.Config.Current;
        log($"Shutting down instance {inst.Name}");
        try
        {
            if (await InstanceOps.LiveInfoAsync(master, cfg, inst, ct).ConfigureAwait(false) is not null)
                await InstanceOps.StopAsync(master, cfg, inst, shutdownTimeout, ignoreFailures, log, ct).ConfigureAwait(false);
            await InstanceOps.ShutdownDisksAsync(master, cfg, inst, log, ignoreFailures, ct).ConfigureAwait(false);
        }
        catch (GanetiException e) when (ignoreFailures)
        {
            log($"Warning: could not shut down {inst.Name}: {e.Message}; going on as asked (ignore_failures)");
        }
        catch (GanetiException e)
        {
            throw GanetiException.Exec($"Could not shut down instance {inst.Name} on node {cfg.Nodes[inst.PrimaryNode].Name}: {e.Message}", e);
        }

        log("Removing disks");
        var disks = cfg.InstanceDisks(inst);
        var failed = new List<string>();
        for (var i = 0; i < disks.Count; i++)
            foreach (var nodeUuid in disks[i].Nodes)
            {
                try
                {
                    await master.Rpc.CallAsync(cfg.Nodes[nodeUuid], NodeProcedures.BlockdevRemove,
                        new { disk = InstanceSpecs.Disk(cfg, disks[i], i, nodeUuid) }, ct).ConfigureAwait(false);
                }
                catch (GanetiException e)
                {
                    failed.Add($"disk/{i} on {cfg.Nodes[nodeUuid].Name}: {e.Message}");
                }
            }
        if (failed.Count > 0 && !ignoreFailures)
            throw GanetiException.Exec($"Could not remove all disks of {inst.Name}: {string.Join("; ", failed)}");
        foreach (var f in failed) log($"Warning: could not remove {f}");

        await master.Config.UpdateAsync(c =>
        {
            if (!c.Instances.Remove(inst.Uuid, out var removed)) return;
            foreach (var d in removed.Disks) c.Disks.Remove(d);
            if (removed.NetworkPort is { } port && !c.Cluster.TcpudpPortPool.Contains(port))
                c.Cluster.TcpudpPortPool.Add(port);
            // A drbd disk's port goes back to the pool; its minors are free once the disk is gone.
            foreach (var d in disks.Where(d => d.DevType == "drbd" && d.LogicalId.Count == 6))
                if (d.LogicalId[2].GetInt32() is var drbdPort && !c.Cluster.TcpudpPortPool.Contains(drbdPort))
                    c.Cluster.TcpudpPortPool.Add(drbdPort);
        }, ct).ConfigureAwait(false);
        log($"Instance {inst.Name} removed");
    }
}
