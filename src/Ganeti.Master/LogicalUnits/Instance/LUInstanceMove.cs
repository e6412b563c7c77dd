using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// gnt-instance move: for instances whose disks can only be copied (Ganeti's copyable templates,
/// file and plain), shuts the instance down, creates its disks on the target node, streams each
/// disk there, makes the target the primary node, removes the old disks and starts the
/// instance again if it is marked up. A failed copy removes what was made on the target and
/// leaves the instance where it was.
/// </summary>
public sealed class LUInstanceMove : InstanceLockingLU<OpInstanceMove>
{
    public override string? HooksPath => "instance-move";

    /// <summary>Ganeti's DTS_COPYABLE.</summary>
    public static readonly IReadOnlySet<string> Copyable = new HashSet<string>(StringComparer.Ordinal) { "file", "plain" };

    private Node target = null!;

    protected override string InstanceName => Op.InstanceName;

    public override void CheckArguments() => InstanceDataTransfer.CheckCompression(Op.Compress);

    public override LockRequest? LocksAt(LockLevel level)
    {
        var request = base.LocksAt(level);
        if (level is LockLevel.Node or LockLevel.NodeRes && request is { Names: { } names })
        {
            var node = Cfg.FindNode(Op.TargetNode) ?? throw GanetiException.NotFound("Node", Op.TargetNode);
            return LockRequest.Of(level, [.. names, node.Uuid], request.Shared);
        }
        return request;
    }

    public override async Task CheckPrereqAsync(CancellationToken ct)
    {
        var inst = Inst;
        var disks = Cfg.InstanceDisks(inst);
        for (var i = 0; i < disks.Count; i++)
            if (!Copyable.Contains(disks[i].DevType))
                throw GanetiException.Prereq(
                    $"Instance disk {i} has disk type {disks[i].DevType} and is not suitable for copying (only {string.Join(" and ", Copyable.Order())} disks are)",
                    ErrorCodes.WrongState);
        target = Cfg.FindNode(Op.TargetNode) ?? throw GanetiException.NotFound("Node", Op.TargetNode);
        if (target.Uuid == inst.PrimaryNode)
            throw GanetiException.Prereq($"Instance {inst.Name} is already on the node {target.Name}", ErrorCodes.WrongState);
        if (target.Offline) throw GanetiException.Prereq($"Cannot move to offline node {target.Name}", ErrorCodes.WrongState);
        if (target.Drained) throw GanetiException.Prereq($"Cannot move to drained node {target.Name}", ErrorCodes.WrongState);
        if (!target.VmCapable) throw GanetiException.Prereq($"Node {target.Name} is not vm_capable", ErrorCodes.WrongState);
        Allocation.InstancePolicy.CheckTarget(Cfg, inst, target, Op.IgnoreIpolicy, Log);
        if (inst.AdminState == AdminStates.Up)
        {
            var be = InstanceSpecs.FilledBeParams(Cfg, inst);
            var needed = Params.GetInt(be, "maxmem") ?? 128;
            var info = await Master.Rpc.CallAsync<NodeInfoResult>(target, NodeProcedures.NodeInfo,
                new { hypervisors = new[] { inst.Hypervisor } }, ct).ConfigureAwait(false);
            if (info.Hypervisors.TryGetValue(inst.Hypervisor, out var hv) && hv.MemoryFree < needed)
                throw GanetiException.Prereq(
                    $"Not enough memory on node {target.Name} to start instance {inst.Name} after the move: needed {needed} MiB, available {hv.MemoryFree} MiB",
                    ErrorCodes.InsufficientResources);
        }
        else
            Log("Not checking memory on the target node as the instance will not be started");
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var cfg = Cfg;
        var inst = Inst;
        var source = cfg.Nodes[inst.PrimaryNode];

        Log($"Shutting down instance {inst.Name} on source node {source.Name}");
        try
        {
            await InstanceOps.StopAsync(Master, cfg, inst, Op.ShutdownTimeout, false, Log, ct).ConfigureAwait(false);
        }
        catch (GanetiException e) when (Op.IgnoreConsistency)
        {
            Log($"Warning: could not shut down instance {inst.Name} on node {source.Name}; going on as asked " +
                $"(ignore_consistency), make sure {source.Name} is down: {e.Message}");
        }
        catch (GanetiException e)
        {
            throw GanetiException.Exec($"Could not shut down instance {inst.Name} on node {source.Name}: {e.Message}", e);
        }

        // The disks as they will be on the target. A file disk gets a new file name, so that the
        // copy never lands on its own source when both nodes see the same directory.
        var oldDisks = cfg.InstanceDisks(inst);
        var newDisks = oldDisks.Select(d => MovedDisk(d)).ToList();
        var made = new List<int>();
        try
        {
            var sourceSpec = InstanceSpecs.Build(cfg, inst, await InstanceOps.AssembleDisksAsync(Master, cfg, inst, Log, ct).ConfigureAwait(false));
            var targetPaths = new List<Remoting.NodeRpc.Messages.DiskSpec>();
            for (var i = 0; i < newDisks.Count; i++)
            {
                var spec = InstanceSpecs.Disk(newDisks[i], i);
                await Master.Rpc.CallAsync<AssembleResult>(target, NodeProcedures.BlockdevCreate, new
                {
                    disk = spec, instance_name = inst.Name, size_mib = newDisks[i].Size, on_primary = true, wipe = false,
                }, ct).ConfigureAwait(false);
                made.Add(i);
                var assembled = await Master.Rpc.CallAsync<AssembleResult>(target, NodeProcedures.BlockdevAssemble,
                    new { disk = spec, instance_name = inst.Name, on_primary = true }, ct).ConfigureAwait(false);
                targetPaths.Add(spec with { Path = assembled.Path, Uri = assembled.Uri });
            }
            Log($"Created {newDisks.Count} disk(s) on {target.Name}");
            var targetSpec = sourceSpec with { PrimaryNode = target.Name, Disks = targetPaths };
            var sourceNode = JsonSerializer.SerializeToNode(sourceSpec, Core.Json.GanetiJson.Options)!;
            var targetNode = JsonSerializer.SerializeToNode(targetSpec, Core.Json.GanetiJson.Options)!;
            var transfers = newDisks.Select((_, i) => new DiskTransfer($"disk/{i}",
                new JsonObject { ["instance"] = sourceNode.DeepClone(), ["disk_index"] = i, ["mode"] = "raw", ["copy_swap"] = true },
                new JsonObject { ["instance"] = targetNode.DeepClone(), ["disk_index"] = i, ["mode"] = "raw" })).ToList();
            await InstanceDataTransfer.RunAsync(Master, source, target, transfers, Op.Compress, Log, ct).ConfigureAwait(false);
            for (var i = 0; i < newDisks.Count; i++)
                await Master.Rpc.CallAsync(target, NodeProcedures.BlockdevShutdown, new { disk = InstanceSpecs.Disk(newDisks[i], i) }, ct)
                    .ConfigureAwait(false);
        }
        catch (Exception e) when (e is GanetiException or OperationCanceledException)
        {
            Log($"Warning: the copy to {target.Name} failed, removing what was made there: {e.Message}");
            foreach (var i in made)
            {
                try
                {
                    await Master.Rpc.CallAsync(target, NodeProcedures.BlockdevRemove, new { disk = InstanceSpecs.Disk(newDisks[i], i) },
                        CancellationToken.None).ConfigureAwait(false);
                }
                catch (GanetiException re)
                {
                    Log($"Warning: could not remove disk/{i} on {target.Name}: {re.Message}");
                }
            }
            await InstanceOps.ShutdownDisksAsync(Master, Master.Config.Current, inst, Log, ignoreFailures: true, CancellationToken.None)
                .ConfigureAwait(false);
            throw GanetiException.Exec($"Errors during disk copy of {inst.Name} to {target.Name}: {e.Message}", e);
        }
        await InstanceOps.ShutdownDisksAsync(Master, cfg, inst, Log, ignoreFailures: true, ct).ConfigureAwait(false);

        await Master.Config.UpdateAsync(c =>
        {
            var now = Config.ConfigStore.Now();
            var i = c.Instances[inst.Uuid];
            i.PrimaryNode = target.Uuid;
            i.Touch(now);
            foreach (var d in newDisks)
            {
                d.Touch(now);
                c.Disks[d.Uuid] = d;
            }
        }, ct).ConfigureAwait(false);
        Log($"Instance {inst.Name} now has {target.Name} as its primary node");

        Log($"Removing the disks on the original node {source.Name}");
        for (var i = 0; i < oldDisks.Count; i++)
        {
            try
            {
                await Master.Rpc.CallAsync(source, NodeProcedures.BlockdevRemove, new { disk = InstanceSpecs.Disk(oldDisks[i], i) }, ct)
                    .ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                Log($"Warning: could not remove disk/{i} on {source.Name}, remove it by hand: {e.Message}");
            }
        }

        cfg = Master.Config.Current;
        inst = cfg.Instances[inst.Uuid];
        if (inst.AdminState == AdminStates.Up)
        {
            Log($"Starting instance {inst.Name} on node {target.Name}");
            await InstanceOps.StartAsync(Master, cfg, inst, paused: false, null, null, Log, ct).ConfigureAwait(false);
        }
        return null;
    }

    /// <summary>A copy of the disk record placed on the target node.</summary>
    private Disk MovedDisk(Disk d)
    {
        var copy = JsonSerializer.Deserialize<Disk>(JsonSerializer.Serialize(d, Core.Json.GanetiJson.Options), Core.Json.GanetiJson.Options)!;
        copy.Nodes = [target.Uuid];
        if (d.DevType == "file" && d.LogicalId.Count == 2 && d.LogicalId[1].GetString() is { } path)
        {
            var dir = Path.GetDirectoryName(path)!;
            copy.LogicalId = [d.LogicalId[0], Params.Value(Path.Combine(dir, $"{Guid.NewGuid()}.file.{d.IvName.Replace("/", "", StringComparison.Ordinal)}"))];
        }
        return copy;
    }
}
