using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// gnt-instance grow-disk: grows one disk by an amount (or to an absolute size) on every node
/// holding it, first as a dry run everywhere so a node without the space stops it before any
/// disk changed, then for real; the configuration records the new size.
/// </summary>
public sealed class LUInstanceGrowDisk : InstanceLockingLU<OpInstanceGrowDisk>
{
    public override string? HooksPath => "disk-grow";

    private static readonly HashSet<string> Growable = ["file", "sharedfile", "plain", "drbd", "ext", "rbd", "gluster"];

    private Disk disk = null!;
    private long delta;

    protected override string InstanceName => Op.InstanceName;

    protected override bool PrimaryOnly => false;

    public override void CheckArguments()
    {
        if (Op.Amount < 0) throw GanetiException.WrongInput($"Parameter 'amount' must not be negative, got {Op.Amount}");
    }

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        var inst = Inst;
        var disks = Cfg.InstanceDisks(inst);
        if (Op.Disk < 0 || Op.Disk >= disks.Count)
            throw GanetiException.WrongInput($"Instance {inst.Name} has no disk/{Op.Disk} (it has {disks.Count})");
        disk = disks[Op.Disk];
        if (!Growable.Contains(disk.DevType))
            throw GanetiException.Prereq($"Disks of template '{disk.DevType}' cannot be grown", ErrorCodes.WrongInput);
        delta = Op.Absolute ? Op.Amount - disk.Size : Op.Amount;
        if (Op.Absolute && delta < 0)
            throw GanetiException.WrongInput($"Disk/{Op.Disk} is {disk.Size} MiB; it cannot shrink to {Op.Amount} MiB");
        foreach (var n in disk.Nodes)
            if (Cfg.Nodes[n].Offline) throw GanetiException.WrongState($"Node {Cfg.Nodes[n].Name} of disk/{Op.Disk} is offline");
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        if (delta == 0)
        {
            Log($"Disk/{Op.Disk} is already {disk.Size} MiB");
            return null;
        }
        foreach (var dryRun in new[] { true, false })
            foreach (var n in disk.Nodes)
                await Master.Rpc.CallAsync(Cfg.Nodes[n], NodeProcedures.BlockdevGrow,
                    new { disk = InstanceSpecs.Disk(Cfg, disk, Op.Disk, n), amount_mib = delta, dry_run = dryRun }, ct).ConfigureAwait(false);
        var newSize = disk.Size + delta;
        await Master.Config.UpdateAsync(c =>
        {
            var d = c.Disks[disk.Uuid];
            d.Size = newSize;
            d.Touch(Config.ConfigStore.Now());
        }, ct).ConfigureAwait(false);
        Log($"Disk/{Op.Disk} grown by {delta} MiB to {newSize} MiB");
        return null;
    }
}
