using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;
using Mode = Ganeti.Core.Opcodes.OpValues.ReplaceDisksMode;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// gnt-instance replace-disks for drbd instances. On one side (primary or secondary) the
/// local volumes of each disk are replaced: new volumes are made, the old ones detached from
/// the mirror and renamed aside, the new ones take their names and are attached, DRBD resyncs
/// them from the peer, and the old ones are removed. With a new secondary (named, or chosen by
/// the instance allocator) the mirror gets a new peer: volumes and a minor on the new node,
/// the old secondary shut down, the primary disconnected and reconnected to the new node, the
/// configuration switched, and the old secondary's volumes removed. Automatic mode replaces the
/// disks a node reports faulty. A failure part way leaves each disk either as it was or fully
/// replaced, and removes the volumes it made.
/// </summary>
public sealed class LUInstanceReplaceDisks : InstanceLockingLU<OpInstanceReplaceDisks>
{
    public override string? HooksPath => "mirrors-replace";

    private Core.Config.Instance inst = null!;
    private string mode = "";
    private string? targetNode;
    private string? otherNode;
    private Node? newNode;
    private List<int> disks = [];

    protected override string InstanceName => Op.InstanceName;

    protected override bool PrimaryOnly => false;

    private bool NewSecondary => Op.Mode == Mode.ReplaceNewSecondary;

    public override void CheckArguments()
    {
        if (!Mode.Values.Contains(Op.Mode))
            throw GanetiException.WrongInput($"Invalid replace-disks mode '{Op.Mode}': expected one of {string.Join(", ", Mode.Values)}");
        if (NewSecondary)
        {
            if (Op.RemoteNode is null && Op.RemoteNodeUuid is null && Op.Iallocator is null)
                throw GanetiException.WrongInput("When changing the secondary give either the new node (remote_node) or an instance allocator");
            if ((Op.RemoteNode is not null || Op.RemoteNodeUuid is not null) && Op.Iallocator is not null)
                throw GanetiException.WrongInput("Give either the new secondary node or an instance allocator, not both");
            if (Op.Disks.Count > 0)
                throw GanetiException.WrongInput("A new secondary takes all disks; do not name disks with mode replace_new_secondary");
        }
        else if (Op.RemoteNode is not null || Op.RemoteNodeUuid is not null || Op.Iallocator is not null)
            throw GanetiException.WrongInput("A new node or an instance allocator can only be given with mode replace_new_secondary");
        foreach (var d in Op.Disks)
            if (d is < 0 or >= 16)
                throw GanetiException.WrongInput($"Invalid disk index {d}");
    }

    public override LockRequest? LocksAt(LockLevel level)
    {
        if (level is not (LockLevel.Node or LockLevel.NodeRes))
            return base.LocksAt(level);
        if (NewSecondary && Op.Iallocator is not null)
            return LockRequest.AllOf(level);
        var nodes = Cfg.InstanceNodes(Inst).ToList();
        if (NewSecondary && FindNewNode() is { } n && !nodes.Contains(n.Uuid))
            nodes.Add(n.Uuid);
        return LockRequest.Of(level, nodes);
    }

    private Node? FindNewNode()
    {
        var name = Op.RemoteNodeUuid ?? Op.RemoteNode;
        return name is null ? null : Cfg.FindNode(name) ?? throw GanetiException.NotFound("Node", Op.RemoteNode ?? name);
    }

    private string Secondary => Cfg.SecondaryNodes(inst).Single();

    public override Task CheckPrereqAsync(CancellationToken cancellationToken)
    {
        inst = Inst;
        if (inst.DiskTemplate != "drbd")
            throw GanetiException.Prereq($"Instance {inst.Name} uses disk template '{inst.DiskTemplate}': only drbd disks can be replaced",
                ErrorCodes.WrongInput);
        if (Cfg.SecondaryNodes(inst).Count != 1)
            throw GanetiException.Prereq($"Instance {inst.Name} has {Cfg.SecondaryNodes(inst).Count} secondary nodes; a drbd instance needs exactly one",
                ErrorCodes.WrongState);
        var count = Cfg.InstanceDisks(inst).Count;
        foreach (var d in Op.Disks)
            if (d >= count)
                throw GanetiException.WrongInput($"Instance {inst.Name} has no disk/{d} (it has {count})");
        disks = Op.Disks.Count > 0 ? [.. Op.Disks.Distinct().Order()] : [.. Enumerable.Range(0, count)];
        InstanceOps.PrimaryOnline(Cfg, inst);
        mode = Op.Mode;
        switch (mode)
        {
            case Mode.ReplaceOnPrimary:
                (targetNode, otherNode) = (inst.PrimaryNode, Secondary);
                break;
            case Mode.ReplaceOnSecondary:
                (targetNode, otherNode) = (Secondary, inst.PrimaryNode);
                break;
            case Mode.ReplaceAuto:
                if (!inst.DisksActive)
                    throw GanetiException.Prereq($"Please run activate-disks on instance {inst.Name} first", ErrorCodes.WrongState);
                break;
            case Mode.ReplaceNewSecondary:
                if (FindNewNode() is { } n)
                    newNode = CheckNewNode(n);
                break;
        }
        if (targetNode is not null && Cfg.Nodes[targetNode].Offline)
            throw GanetiException.Prereq($"Node {Cfg.Nodes[targetNode].Name} is offline; replace its disks once it is back, or give the instance a new secondary",
                ErrorCodes.WrongState);
        if (otherNode is not null && Cfg.Nodes[otherNode].Offline)
            throw GanetiException.Prereq($"Node {Cfg.Nodes[otherNode].Name} is offline and holds the only good copy", ErrorCodes.WrongState);
        return Task.CompletedTask;
    }

    private Node CheckNewNode(Node n)
    {
        if (n.Uuid == inst.PrimaryNode)
            throw GanetiException.WrongInput($"Node {n.Name} is the primary node of instance {inst.Name}; it cannot also be its secondary");
        if (n.Uuid == Secondary)
            throw GanetiException.WrongInput($"Node {n.Name} is already the secondary node of instance {inst.Name}");
        if (n.Offline || n.Drained)
            throw GanetiException.Prereq($"Node {n.Name} is {(n.Offline ? "offline" : "drained")} and cannot take the instance's disks",
                ErrorCodes.WrongState);
        if (!n.VmCapable)
            throw GanetiException.Prereq($"Node {n.Name} is not vm-capable", ErrorCodes.WrongState);
        // As in Ganeti, a new secondary in another node group must suit that group's policy.
        Allocation.InstancePolicy.CheckTarget(Cfg, inst, n, Op.IgnoreIpolicy, Log);
        return n;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        Refresh();
        inst = Cfg.Instances[inst.Uuid];
        if (mode == Mode.ReplaceAuto && !await ChooseAutoAsync(ct).ConfigureAwait(false))
            return null;
        if (NewSecondary && newNode is null)
            newNode = CheckNewNode(await AllocateNewSecondaryAsync(ct).ConfigureAwait(false));

        var activated = !inst.DisksActive;
        if (activated)
            await AssembleForReplaceAsync(ct).ConfigureAwait(false);
        try
        {
            if (NewSecondary)
                await ReplaceSecondaryAsync(ct).ConfigureAwait(false);
            else
                await ReplaceLocalVolumesAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            if (activated)
            {
                var cfg = Master.Config.Current;
                await InstanceOps.ShutdownDisksAsync(Master, cfg, cfg.Instances[inst.Uuid], Log, ignoreFailures: true, CancellationToken.None)
                    .ConfigureAwait(false);
            }
        }
        return null;
    }

    /// <summary>Replace-auto: the side whose disks are faulty, and those disks; false when nothing needs replacing.</summary>
    private async Task<bool> ChooseAutoAsync(CancellationToken ct)
    {
        var primary = inst.PrimaryNode;
        var secondary = Secondary;
        var faultyP = await FaultyDisksAsync(primary, ct).ConfigureAwait(false);
        var faultyS = await FaultyDisksAsync(secondary, ct).ConfigureAwait(false);
        if (faultyP.Count > 0 && faultyS.Count > 0)
            throw GanetiException.Prereq($"Instance {inst.Name} has faulty disks on both nodes; replace its secondary instead (mode replace_new_secondary)",
                ErrorCodes.WrongState);
        if (faultyP.Count == 0 && faultyS.Count == 0)
        {
            Log($"No disks of instance {inst.Name} need replacing");
            return false;
        }
        (targetNode, otherNode, disks) = faultyP.Count > 0 ? (primary, secondary, faultyP) : (secondary, primary, faultyS);
        Log($"Replacing disk(s) {string.Join(", ", disks)} of {inst.Name} on node {Cfg.Nodes[targetNode].Name}");
        return true;
    }

    private async Task<List<int>> FaultyDisksAsync(string node, CancellationToken ct)
    {
        var all = Cfg.InstanceDisks(inst);
        var status = await MirrorStatusAsync(node, Enumerable.Range(0, all.Count), ct).ConfigureAwait(false);
        return [.. Enumerable.Range(0, all.Count).Where(i => status[i].LdiskStatus == "faulty")];
    }

    private async Task<List<MirrorStatusResult>> MirrorStatusAsync(string node, IEnumerable<int> indices, CancellationToken ct)
    {
        var cfg = Master.Config.Current;
        var all = cfg.InstanceDisks(cfg.Instances[inst.Uuid]);
        var specs = indices.Select(i => InstanceSpecs.Disk(cfg, all[i], i, node)).ToList();
        return await Master.Rpc.CallAsync<List<MirrorStatusResult>>(cfg.Nodes[node], NodeProcedures.BlockdevGetMirrorStatus,
            new { disks = specs }, ct).ConfigureAwait(false);
    }

    private async Task<Node> AllocateNewSecondaryAsync(CancellationToken ct)
    {
        var allocator = Op.Iallocator!;
        var answer = await Allocation.IAllocatorRunner.RunAsync(Master, Cfg, allocator, new JsonObject
        {
            ["type"] = "relocate",
            ["name"] = inst.Name,
            ["required_nodes"] = 1,
            ["relocate_from"] = new JsonArray(Cfg.Nodes[Secondary].Name),
            ["disk_space_total"] = Cfg.InstanceDisks(inst).Sum(d => d.Size + InstanceCreateDrbdMeta),
        }, ct).ConfigureAwait(false);
        var chosen = (answer as JsonArray)?.FirstOrDefault()?.GetValue<string>()
            ?? throw GanetiException.Exec($"Instance allocator {allocator} returned no new secondary for {inst.Name}");
        Log($"Selected new secondary for instance {inst.Name}: {chosen} (iallocator {allocator})");
        return Cfg.FindNode(chosen) ?? throw GanetiException.Exec($"Instance allocator {allocator} chose unknown node '{chosen}'");
    }

    private const long InstanceCreateDrbdMeta = LUInstanceCreate.DrbdMetaSizeMiB;

    /// <summary>
    /// Brings the mirror up for the replacement when the instance's disks are not active. With a
    /// new secondary only the primary's side is needed: the old secondary may well be dead.
    /// </summary>
    private async Task AssembleForReplaceAsync(CancellationToken ct)
    {
        var nodes = NewSecondary ? [inst.PrimaryNode] : new[] { Secondary, inst.PrimaryNode };
        var all = Cfg.InstanceDisks(inst);
        foreach (var node in nodes)
            for (var i = 0; i < all.Count; i++)
                await Master.Rpc.CallAsync<AssembleResult>(Cfg.Nodes[node], NodeProcedures.BlockdevAssemble,
                    new { disk = InstanceSpecs.Disk(Cfg, all[i], i, node), instance_name = inst.Name, on_primary = node == inst.PrimaryNode },
                    ct).ConfigureAwait(false);
        Log($"Activated the disks of {inst.Name} for the replacement");
    }

    /// <summary>Refuses to go on unless every chosen disk on the node has an up-to-date local copy.</summary>
    private async Task CheckConsistencyAsync(string node, IEnumerable<int> indices, CancellationToken ct)
    {
        var list = indices.ToList();
        var status = await MirrorStatusAsync(node, list, ct).ConfigureAwait(false);
        for (var k = 0; k < list.Count; k++)
            if (status[k].LdiskStatus != "ok")
                throw GanetiException.Exec(
                    $"Node {Cfg.Nodes[node].Name} has no consistent copy of disk/{list[k]} of {inst.Name} ({status[k].LdiskStatus}); unsafe to replace disks");
    }

    // ---- replace the local volumes on one side ----

    private static Disk Clone(Disk d) =>
        JsonSerializer.Deserialize<Disk>(JsonSerializer.Serialize(d, Core.Json.GanetiJson.Options), Core.Json.GanetiJson.Options)!;

    private static (string Vg, string Lv) Names(Disk lv) => (lv.LogicalId[0].GetString()!, lv.LogicalId[1].GetString()!);

    private static List<JsonElement> Id(string vg, string lv) => [Params.Value(vg), Params.Value(lv)];

    /// <summary>Where one disk's replacement stands, so a failure can undo exactly what was done.</summary>
    private sealed class LocalReplacement(int index, Disk drbd, List<Disk> oldLvs, List<Disk> newLvs)
    {
        public int Index => index;
        public Disk Drbd => drbd;
        public List<Disk> OldLvs => oldLvs;
        /// <summary>The new volumes under their temporary names.</summary>
        public List<Disk> NewLvs => newLvs;
        public List<Disk> Created { get; } = [];
        public bool Detached { get; set; }
        public int OldRenamed { get; set; }
        public int NewRenamed { get; set; }
        public bool ConfigChanged { get; set; }
        public string Stamp { get; set; } = "";
    }

    private async Task ReplaceLocalVolumesAsync(CancellationToken ct)
    {
        var target = Cfg.Nodes[targetNode!];
        var other = otherNode!;
        var onPrimary = targetNode == inst.PrimaryNode;
        Log($"Replacing disk(s) {string.Join(", ", disks)} of {inst.Name} on node {target.Name}");

        Log("Step 1/6: checking the disks exist on both nodes and the other side is consistent");
        foreach (var node in new[] { targetNode!, other })
            await MirrorStatusAsync(node, disks, ct).ConfigureAwait(false);
        await CheckConsistencyAsync(other, disks, ct).ConfigureAwait(false);

        Log("Step 2/6: creating the new volumes");
        var now = Config.ConfigStore.Now();
        var all = Cfg.InstanceDisks(inst);
        var work = new List<LocalReplacement>();
        foreach (var i in disks)
        {
            var drbd = all[i];
            var uuid = Guid.NewGuid().ToString();
            var newLvs = drbd.Children.Select((c, k) =>
            {
                var lv = Clone(c);
                lv.Uuid = Guid.NewGuid().ToString();
                lv.LogicalId = Id(Names(c).Vg, $"{uuid}.disk{i}_{(k == 0 ? "data" : "meta")}");
                lv.Ctime = now;
                lv.Mtime = now;
                return lv;
            }).ToList();
            work.Add(new LocalReplacement(i, drbd, [.. drbd.Children.Select(Clone)], newLvs));
        }
        try
        {
            foreach (var w in work)
                foreach (var lv in w.NewLvs)
                {
                    await Master.Rpc.CallAsync<AssembleResult>(target, NodeProcedures.BlockdevCreate, new
                    {
                        disk = InstanceSpecs.Disk(Cfg, lv, w.Index, target.Uuid),
                        instance_name = inst.Name,
                        size_mib = lv.Size,
                        on_primary = onPrimary,
                    }, ct).ConfigureAwait(false);
                    w.Created.Add(lv);
                }
        }
        catch (Exception e)
        {
            Log($"Creating the new volumes failed, removing them: {e.Message}");
            foreach (var w in work)
                await RemoveVolumesAsync(target, w.Index, w.Created).ConfigureAwait(false);
            throw;
        }

        Log("Step 3/6: swapping the volumes under the mirror");
        var done = new List<LocalReplacement>();
        for (var k = 0; k < work.Count; k++)
        {
            var w = work[k];
            try
            {
                await SwapAsync(target, w, onPrimary, ct).ConfigureAwait(false);
                done.Add(w);
            }
            catch (Exception e)
            {
                Log($"Replacing disk/{w.Index} failed, restoring its volumes: {e.Message}");
                await UndoSwapAsync(target, w, onPrimary).ConfigureAwait(false);
                foreach (var rest in work.Skip(k + 1))
                    await RemoveVolumesAsync(target, rest.Index, rest.NewLvs).ConfigureAwait(false);
                // Disks already switched stay switched (the peer resyncs them); their old volumes go.
                foreach (var d in done)
                    await RemoveVolumesAsync(target, d.Index, Renamed(d)).ConfigureAwait(false);
                throw;
            }
        }

        if (Op.EarlyRelease)
        {
            Log("Step 4/6: removing the old volumes (early release)");
            await RemoveOldAsync(target, done).ConfigureAwait(false);
        }
        Log("Step 5/6: waiting for the mirror to resync");
        await WaitForSyncAsync(ct).ConfigureAwait(false);
        await CheckConsistencyAsync(targetNode!, disks, ct).ConfigureAwait(false);
        if (!Op.EarlyRelease)
        {
            Log("Step 6/6: removing the old volumes");
            await RemoveOldAsync(target, done).ConfigureAwait(false);
        }
    }

    /// <summary>The old volumes as they are named once set aside.</summary>
    private static List<Disk> Renamed(LocalReplacement w) =>
        [.. w.OldLvs.Select(lv =>
        {
            var aside = Clone(lv);
            aside.LogicalId = Id(Names(lv).Vg, $"{Names(lv).Lv}_replaced-{w.Stamp}");
            return aside;
        })];

    private async Task RemoveOldAsync(Node target, List<LocalReplacement> done)
    {
        foreach (var w in done)
            await RemoveVolumesAsync(target, w.Index, Renamed(w)).ConfigureAwait(false);
    }

    private DiskSpec DrbdSpec(Disk drbd, int index, string node, IReadOnlyList<Disk> children)
    {
        var d = Clone(drbd);
        d.Children = [.. children.Select(Clone)];
        return InstanceSpecs.Disk(Master.Config.Current, d, index, node);
    }

    private Task Rename(Node node, Disk lv, int index, List<JsonElement> newId, CancellationToken ct) =>
        Master.Rpc.CallAsync(node, NodeProcedures.BlockdevRename,
            new { disk = InstanceSpecs.Disk(Cfg, lv, index, node.Uuid), new_logical_id = newId }, ct);

    private async Task SwapAsync(Node target, LocalReplacement w, bool onPrimary, CancellationToken ct)
    {
        var i = w.Index;
        await Master.Rpc.CallAsync(target, NodeProcedures.BlockdevRemoveChildren,
            new { disk = DrbdSpec(w.Drbd, i, target.Uuid, w.OldLvs) }, ct).ConfigureAwait(false);
        w.Detached = true;

        w.Stamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var aside = Renamed(w);
        for (var k = 0; k < w.OldLvs.Count; k++)
        {
            await Rename(target, w.OldLvs[k], i, [.. aside[k].LogicalId], ct).ConfigureAwait(false);
            w.OldRenamed++;
        }
        for (var k = 0; k < w.NewLvs.Count; k++)
        {
            await Rename(target, w.NewLvs[k], i, [.. w.OldLvs[k].LogicalId], ct).ConfigureAwait(false);
            w.NewRenamed++;
        }

        // The new volumes now carry the old names: the configuration keeps the names, with the new volumes' identities.
        var replacement = w.NewLvs.Select((lv, k) =>
        {
            var c = Clone(lv);
            c.LogicalId = [.. w.OldLvs[k].LogicalId];
            return c;
        }).ToList();
        await SetChildrenAsync(w.Drbd.Uuid, replacement, ct).ConfigureAwait(false);
        w.ConfigChanged = true;

        await Master.Rpc.CallAsync(target, NodeProcedures.BlockdevAddChildren, new
        {
            disk = DrbdSpec(w.Drbd, i, target.Uuid, replacement),
            instance_name = inst.Name,
            on_primary = onPrimary,
            init_meta = true,
        }, ct).ConfigureAwait(false);
        Log($"Disk/{i}: new volumes attached on node {target.Name}");
    }

    private Task SetChildrenAsync(string diskUuid, List<Disk> children, CancellationToken ct) =>
        Master.Config.UpdateAsync(c =>
        {
            var d = c.Disks[diskUuid];
            d.Children = [.. children.Select(Clone)];
            d.Touch(Config.ConfigStore.Now());
        }, ct);

    /// <summary>Puts one disk back as it was: old volumes under their names, attached, in the configuration; the new ones removed.</summary>
    private async Task UndoSwapAsync(Node target, LocalReplacement w, bool onPrimary)
    {
        var ct = CancellationToken.None;
        var i = w.Index;
        async Task Try(string what, Func<Task> step)
        {
            try
            {
                await step().ConfigureAwait(false);
            }
            catch (Exception e) when (e is GanetiException or Remoting.NodeRpc.NodeUnreachableException)
            {
                Log($"Warning: {what} failed: {e.Message}; check the volumes of disk/{i} on node {target.Name} by hand");
            }
        }
        if (w.ConfigChanged)
        {
            // The new volumes may be attached already (a later step failed): detach them first.
            await Try("detaching the new volumes", () => Master.Rpc.CallAsync(target, NodeProcedures.BlockdevRemoveChildren,
                new { disk = DrbdSpec(w.Drbd, i, target.Uuid, w.OldLvs) }, ct)).ConfigureAwait(false);
            await SetChildrenAsync(w.Drbd.Uuid, w.OldLvs, ct).ConfigureAwait(false);
        }
        var aside = Renamed(w);
        for (var k = w.NewRenamed - 1; k >= 0; k--)
        {
            var named = Clone(w.NewLvs[k]);
            named.LogicalId = [.. w.OldLvs[k].LogicalId];
            await Try("renaming a new volume back", () => Rename(target, named, i, [.. w.NewLvs[k].LogicalId], ct)).ConfigureAwait(false);
        }
        for (var k = w.OldRenamed - 1; k >= 0; k--)
            await Try("renaming an old volume back", () => Rename(target, aside[k], i, [.. w.OldLvs[k].LogicalId], ct)).ConfigureAwait(false);
        if (w.Detached)
            await Try("reattaching the old volumes", () => Master.Rpc.CallAsync(target, NodeProcedures.BlockdevAddChildren, new
            {
                disk = DrbdSpec(w.Drbd, i, target.Uuid, w.OldLvs),
                instance_name = inst.Name,
                on_primary = onPrimary,
                init_meta = false,
            }, ct)).ConfigureAwait(false);
        await RemoveVolumesAsync(target, i, w.NewLvs).ConfigureAwait(false);
    }

    private async Task RemoveVolumesAsync(Node node, int index, IEnumerable<Disk> lvs)
    {
        foreach (var lv in lvs)
        {
            try
            {
                await Master.Rpc.CallAsync(node, NodeProcedures.BlockdevRemove,
                    new { disk = InstanceSpecs.Disk(Cfg, lv, index, node.Uuid) }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is GanetiException or Remoting.NodeRpc.NodeUnreachableException)
            {
                var (vg, name) = Names(lv);
                Log($"Warning: could not remove volume {vg}/{name} on node {node.Name}: {e.Message}; remove it by hand");
            }
        }
    }

    // ---- a new secondary ----

    private async Task ReplaceSecondaryAsync(CancellationToken ct)
    {
        var cfg = Cfg;
        var primary = cfg.Nodes[inst.PrimaryNode];
        var oldNode = cfg.Nodes[Secondary];
        var target = newNode!;
        var all = cfg.InstanceDisks(inst);
        var indices = Enumerable.Range(0, all.Count).ToList();
        Log($"Replacing the secondary of {inst.Name}: {oldNode.Name} -> {target.Name}");

        Log("Step 1/6: checking the primary's disks are present and consistent");
        await CheckConsistencyAsync(primary.Uuid, indices, ct).ConfigureAwait(false);

        // Minors on the new node: the lowest free ones, counting those this replacement takes.
        var used = new HashSet<int>();
        foreach (var d in cfg.Disks.Values.Where(d => d.DevType == "drbd" && d.LogicalId.Count == 6))
        {
            if (d.LogicalId[0].GetString() == target.Uuid) used.Add(d.LogicalId[3].GetInt32());
            if (d.LogicalId[1].GetString() == target.Uuid) used.Add(d.LogicalId[4].GetInt32());
        }
        var moved = new List<Disk>();
        foreach (var d in all)
        {
            var minor = 0;
            while (used.Contains(minor)) minor++;
            used.Add(minor);
            var nd = Clone(d);
            var pIsFirst = d.LogicalId[0].GetString() == primary.Uuid;
            var pMinor = d.LogicalId[pIsFirst ? 3 : 4];
            nd.LogicalId = [Params.Value(primary.Uuid), Params.Value(target.Uuid), d.LogicalId[2], pMinor,
                JsonSerializer.SerializeToElement(minor), d.LogicalId[5]];
            nd.Nodes = [primary.Uuid, target.Uuid];
            foreach (var c in nd.Children)
                c.Nodes = [primary.Uuid, target.Uuid];
            moved.Add(nd);
        }
        Log($"Allocated minor(s) {string.Join(", ", moved.Select(d => d.LogicalId[4].GetInt32()))} on node {target.Name}");

        Log($"Step 2/6: creating the volumes on node {target.Name}");
        var created = new List<int>();
        try
        {
            foreach (var i in indices)
            {
                await Master.Rpc.CallAsync<AssembleResult>(target, NodeProcedures.BlockdevCreate, new
                {
                    disk = InstanceSpecs.Disk(cfg, moved[i], i, target.Uuid),
                    instance_name = inst.Name,
                    size_mib = moved[i].Size,
                    on_primary = false,
                }, ct).ConfigureAwait(false);
                created.Add(i);
            }
        }
        catch (Exception e)
        {
            Log($"Creating the disks on node {target.Name} failed, removing them: {e.Message}");
            await RemoveDrbdAsync(target, moved, created).ConfigureAwait(false);
            throw;
        }

        Log($"Step 3/6: shutting down the old secondary's side and disconnecting the primary");
        if (oldNode.Offline)
            Log($"Node {oldNode.Name} is offline: its side is not shut down");
        else
            foreach (var i in indices)
            {
                try
                {
                    await Master.Rpc.CallAsync(oldNode, NodeProcedures.BlockdevShutdown,
                        new { disk = InstanceSpecs.Disk(cfg, all[i], i, oldNode.Uuid) }, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is GanetiException or Remoting.NodeRpc.NodeUnreachableException)
                {
                    Log($"Warning: could not shut down disk/{i} on the old secondary {oldNode.Name}: {e.Message}");
                }
            }
        try
        {
            await Master.Rpc.CallAsync(primary, NodeProcedures.DrbdDisconnectNet,
                new { disks = indices.Select(i => InstanceSpecs.Disk(cfg, all[i], i, primary.Uuid)).ToList() }, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log($"Disconnecting the primary failed, removing the disks made on {target.Name}: {e.Message}");
            await RemoveDrbdAsync(target, moved, created).ConfigureAwait(false);
            throw GanetiException.Exec($"Cannot disconnect the disks of {inst.Name} on node {primary.Name} from the old secondary: {e.Message}", e);
        }

        Log("Step 4/6: switching the configuration to the new secondary");
        await Master.Config.UpdateAsync(c =>
        {
            var now = Config.ConfigStore.Now();
            foreach (var nd in moved)
            {
                var d = c.Disks[nd.Uuid];
                d.LogicalId = [.. nd.LogicalId];
                d.Nodes = [.. nd.Nodes];
                d.Children = [.. nd.Children.Select(Clone)];
                d.Touch(now);
            }
            c.Instances[inst.Uuid].Touch(now);
        }, ct).ConfigureAwait(false);
        cfg = Master.Config.Current;

        // From here on the configuration names the new secondary: failures are reported, and
        // activate-disks or another replace-disks finishes the job, as in Ganeti.
        foreach (var i in indices)
        {
            try
            {
                await Master.Rpc.CallAsync<AssembleResult>(target, NodeProcedures.BlockdevAssemble,
                    new { disk = InstanceSpecs.Disk(cfg, moved[i], i, target.Uuid), instance_name = inst.Name, on_primary = false },
                    ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is GanetiException or Remoting.NodeRpc.NodeUnreachableException)
            {
                Log($"Warning: could not bring up disk/{i} on node {target.Name}: {e.Message}; run activate-disks on {inst.Name}");
            }
        }
        try
        {
            await Master.Rpc.CallAsync(primary, NodeProcedures.DrbdAttachNet,
                new { disks = indices.Select(i => InstanceSpecs.Disk(cfg, moved[i], i, primary.Uuid)).ToList(), instance_name = inst.Name, multimaster = false },
                ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is GanetiException or Remoting.NodeRpc.NodeUnreachableException)
        {
            Log($"Warning: could not connect the disks of {inst.Name} on node {primary.Name} to {target.Name}: {e.Message}; run activate-disks on {inst.Name}");
        }

        if (Op.EarlyRelease)
        {
            Log($"Step 5/6: removing the old volumes on node {oldNode.Name} (early release)");
            await RemoveOldSecondaryAsync(oldNode, all).ConfigureAwait(false);
        }
        Log("Step 5/6: waiting for the mirror to resync");
        await WaitForSyncAsync(ct).ConfigureAwait(false);
        if (!Op.EarlyRelease)
        {
            Log($"Step 6/6: removing the old volumes on node {oldNode.Name}");
            await RemoveOldSecondaryAsync(oldNode, all).ConfigureAwait(false);
        }
    }

    private async Task RemoveDrbdAsync(Node node, List<Disk> moved, List<int> created)
    {
        foreach (var i in created)
        {
            try
            {
                await Master.Rpc.CallAsync(node, NodeProcedures.BlockdevRemove,
                    new { disk = InstanceSpecs.Disk(Cfg, moved[i], i, node.Uuid) }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is GanetiException or Remoting.NodeRpc.NodeUnreachableException)
            {
                Log($"Warning: could not remove disk/{i} on node {node.Name}: {e.Message}; remove its volumes by hand");
            }
        }
    }

    private async Task RemoveOldSecondaryAsync(Node oldNode, IReadOnlyList<Disk> oldDisks)
    {
        if (oldNode.Offline)
        {
            Log($"Node {oldNode.Name} is offline: remove the old volumes of {inst.Name} there by hand once it is back");
            return;
        }
        // The old disks as they were: their spec still names the old secondary, so the node
        // stops the minor if it is still up and removes both volumes.
        var old = oldDisks.Select(Clone).ToList();
        var cfg = Master.Config.Current;
        for (var i = 0; i < old.Count; i++)
        {
            try
            {
                var spec = InstanceSpecs.Disk(cfg, old[i], i, oldNode.Uuid);
                await Master.Rpc.CallAsync(oldNode, NodeProcedures.BlockdevRemove, new { disk = spec }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is GanetiException or Remoting.NodeRpc.NodeUnreachableException)
            {
                Log($"Warning: could not remove the old volumes of disk/{i} on node {oldNode.Name}: {e.Message}; remove them by hand");
            }
        }
    }

    /// <summary>
    /// Waits until the primary reports no disk resyncing, then that none is degraded (a
    /// degraded state is given a few seconds to clear, as a just-connected mirror needs).
    /// </summary>
    private async Task WaitForSyncAsync(CancellationToken ct)
    {
        var all = Master.Config.Current.InstanceDisks(Master.Config.Current.Instances[inst.Uuid]);
        var indices = Enumerable.Range(0, all.Count).ToList();
        var degradedTries = 0;
        var lastReport = DateTime.MinValue;
        while (true)
        {
            var status = await MirrorStatusAsync(inst.PrimaryNode, indices, ct).ConfigureAwait(false);
            var syncing = status.Select((s, i) => (s, i)).Where(x => x.s.SyncPercent is not null).ToList();
            if (syncing.Count > 0)
            {
                if (DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(10))
                {
                    Log("Resyncing: " + string.Join(", ", syncing.Select(x =>
                        $"disk/{x.i} {x.s.SyncPercent!.Value.ToString("0.0", CultureInfo.InvariantCulture)}%"
                        + (x.s.EstimatedTime is { } t ? $", {t}s left" : ""))));
                    lastReport = DateTime.UtcNow;
                }
                await Task.Delay(SyncPollInterval, ct).ConfigureAwait(false);
                continue;
            }
            var degraded = status.Select((s, i) => (s, i)).Where(x => x.s.IsDegraded).Select(x => x.i).ToList();
            if (degraded.Count == 0)
            {
                Log($"The disks of {inst.Name} are in sync");
                return;
            }
            if (++degradedTries > 10)
                throw GanetiException.Exec($"Disk(s) {string.Join(", ", degraded.Select(i => $"disk/{i}"))} of {inst.Name} are degraded after the replacement");
            await Task.Delay(SyncPollInterval, ct).ConfigureAwait(false);
        }
    }

    private static readonly TimeSpan SyncPollInterval = TimeSpan.FromSeconds(1);
}

/// <summary>One entry of blockdev_getmirrorstatus, as the master reads it.</summary>
public sealed record MirrorStatusResult(double? SyncPercent, int? EstimatedTime, bool IsDegraded, string LdiskStatus);
