using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// gnt-instance rename: the instance must be stopped. File-based disks move to the new
/// instance's directory, the configuration takes the new name, and the OS definition's rename
/// script runs (its failure is reported as a warning, as in Ganeti).
/// </summary>
public sealed class LUInstanceRename : InstanceLockingLU<OpInstanceRename>
{
    public override string? HooksPath => "instance-rename";

    private string newName = "";

    protected override string InstanceName => Op.InstanceName;

    protected override bool PrimaryOnly => false;

    public override void CheckArguments()
    {
        newName = InstanceOps.CheckName(Op.NewName, "instance");
        if (Op.IpCheck && !Op.NameCheck)
            throw GanetiException.WrongInput("IP address check (ip_check) requires a name check (name_check)");
    }

    public override LockRequest? LocksAt(LockLevel level) =>
        level == LockLevel.Instance
            ? LockRequest.Of(level, [Inst.Name, newName])
            : base.LocksAt(level);

    public override async Task CheckPrereqAsync(CancellationToken ct)
    {
        var inst = Inst;
        if (inst.Name == newName)
            throw GanetiException.WrongInput($"Instance {inst.Name} already has that name");
        if (Cfg.FindInstance(newName) is not null)
            throw GanetiException.Exists($"Instance '{newName}' is already in the cluster");
        if (inst.AdminState == AdminStates.Up)
            throw GanetiException.WrongState($"Instance {inst.Name} is marked to be up; stop it before renaming");
        if (await InstanceOps.LiveInfoAsync(Master, Cfg, inst, ct).ConfigureAwait(false) is not null)
            throw GanetiException.WrongState($"Instance {inst.Name} is running; stop it before renaming");
        if (Op.NameCheck)
        {
            var ip = await Master.ResolveHost(newName, ct).ConfigureAwait(false)
                ?? throw GanetiException.Prereq($"Host name '{newName}' does not resolve (use name_check=false to skip this check)", ErrorCodes.Resolver);
            if (Op.IpCheck && await IsReachableAsync(ip, ct).ConfigureAwait(false))
                throw GanetiException.Prereq($"IP {ip} of instance {newName} already in use", ErrorCodes.NotUnique);
        }
    }

    private static async Task<bool> IsReachableAsync(string ip, CancellationToken ct)
    {
        using var client = new System.Net.Sockets.TcpClient();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(ip, 22, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var inst = Inst;
        var oldName = inst.Name;
        var disks = Cfg.InstanceDisks(inst);
        var moves = new List<(int Index, Disk Disk, List<JsonElement> NewId)>();
        for (var i = 0; i < disks.Count; i++)
        {
            var d = disks[i];
            if (d.DevType is "file" or "sharedfile" && d.LogicalId.Count == 2 && d.LogicalId[1].GetString() is { } oldPath)
            {
                var dir = Path.GetDirectoryName(oldPath)!;
                var baseDir = Path.GetFileName(dir) == oldName ? Path.Combine(Path.GetDirectoryName(dir)!, newName) : dir;
                moves.Add((i, d, [d.LogicalId[0], Params.Value(Path.Combine(baseDir, Path.GetFileName(oldPath)))]));
            }
        }
        var done = new List<(int Index, Disk Disk, List<JsonElement> NewId)>();
        try
        {
            foreach (var m in moves)
            {
                foreach (var nodeUuid in m.Disk.Nodes)
                    await Master.Rpc.CallAsync(Cfg.Nodes[nodeUuid], NodeProcedures.BlockdevRename,
                        new { disk = InstanceSpecs.Disk(m.Disk, m.Index), new_logical_id = m.NewId }, ct).ConfigureAwait(false);
                done.Add(m);
            }
        }
        catch (GanetiException e)
        {
            foreach (var m in done)
                foreach (var nodeUuid in m.Disk.Nodes)
                {
                    var moved = new Disk { Uuid = m.Disk.Uuid, DevType = m.Disk.DevType, LogicalId = m.NewId, Size = m.Disk.Size };
                    try
                    {
                        await Master.Rpc.CallAsync(Cfg.Nodes[nodeUuid], NodeProcedures.BlockdevRename,
                            new { disk = InstanceSpecs.Disk(moved, m.Index), new_logical_id = m.Disk.LogicalId }, CancellationToken.None)
                            .ConfigureAwait(false);
                    }
                    catch (GanetiException) { }
                }
            throw GanetiException.Exec($"Could not rename the disks of {oldName}: {e.Message}", e);
        }

        await Master.Config.UpdateAsync(c =>
        {
            var i = c.Instances[inst.Uuid];
            i.Name = newName;
            foreach (var m in moves)
            {
                c.Disks[m.Disk.Uuid].LogicalId = m.NewId;
                c.Disks[m.Disk.Uuid].Touch(Config.ConfigStore.Now());
            }
            i.Touch(Config.ConfigStore.Now());
        }, ct).ConfigureAwait(false);
        Log($"Instance {oldName} renamed to {newName} in the configuration");

        var cfg = Master.Config.Current;
        var renamed = cfg.Instances[inst.Uuid];
        if (!string.IsNullOrEmpty(renamed.Os))
        {
            var node = cfg.Nodes[renamed.PrimaryNode];
            try
            {
                var assembled = await InstanceOps.AssembleDisksAsync(Master, cfg, renamed, Log, ct).ConfigureAwait(false);
                await Master.Rpc.CallAsync(node, NodeProcedures.InstanceRunRename, new
                {
                    instance = InstanceSpecs.Build(cfg, renamed, assembled),
                    old_name = oldName,
                    debug = Op.DebugLevel,
                }, ct).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                Log($"Warning: the OS rename script of instance {newName} on node {node.Name} failed: {e.Message}");
            }
            finally
            {
                await InstanceOps.ShutdownDisksAsync(Master, cfg, renamed, Log, ignoreFailures: true, ct).ConfigureAwait(false);
            }
        }
        return JsonValue.Create(newName);
    }
}
