using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.NodeHelpers.Storage;
using Ganeti.NodeHelpers.Storage.Drbd;
using Ganeti.NodeHelpers.Storage.FileStorage;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Rpc;

/// <summary>
/// The blockdev_* procedures: disks of any template, through the node's storage drivers.
/// </summary>
public static class StorageRpc
{
    /// <summary>Free/total space per storage unit; node info uses the same drivers.</summary>
    public const string StorageSpace = "storage_space";
    public const string BlockdevFind = "blockdev_find";
    public const string BlockdevSnapshot = "blockdev_snapshot";
    public const string BlockdevSetInfo = "blockdev_setinfo";
    public const string ExtStorageVerify = "extstorage_verify";

    /// <summary>What blockdev_create and blockdev_assemble answer.</summary>
    public sealed record BlockdevLocation(string Path, string? Uri, string Format);

    /// <summary>One entry of blockdev_getmirrorstatus.</summary>
    public sealed record MirrorStatus(double? SyncPercent, int? EstimatedTime, bool IsDegraded, string LdiskStatus);

    public static void Register(NodeRpcDispatcher d, NodeContext ctx) => Register(d, StorageDrivers.CreateDefault(ctx));

    public static void Register(NodeRpcDispatcher d, StorageDrivers drivers)
    {
        d.Register(NodeProcedures.BlockdevCreate, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.BlockdevCreate);
            var disk = RpcArgs.Get<DiskSpec>(a, "disk", NodeProcedures.BlockdevCreate);
            var request = new DiskCreateRequest(
                RpcArgs.Get<string>(a, "instance_name", NodeProcedures.BlockdevCreate),
                RpcArgs.Get<long>(a, "size_mib", NodeProcedures.BlockdevCreate),
                RpcArgs.Get<bool>(a, "on_primary", NodeProcedures.BlockdevCreate))
            {
                ExclusiveStorage = RpcArgs.GetOptional<bool>(a, "exclusive_storage"),
            };
            var wipe = RpcArgs.GetOptional<bool>(a, "wipe");
            var driver = drivers.For(disk);
            var created = await driver.CreateAsync(disk, request, ct).ConfigureAwait(false);
            if (wipe && created.Format == ImageFormat.Raw)
            {
                try
                {
                    await DiskWiper.WipeAsync(created.Path, 0, request.SizeMiB, null, ct).ConfigureAwait(false);
                }
                catch
                {
                    await driver.RemoveAsync(disk, CancellationToken.None).ConfigureAwait(false);
                    throw;
                }
            }
            return Location(created);
        });

        d.Register(NodeProcedures.BlockdevRemove, async (args, ct) =>
        {
            var disk = Disk(args, NodeProcedures.BlockdevRemove);
            await drivers.For(disk).RemoveAsync(disk, ct).ConfigureAwait(false);
            return null;
        });

        d.Register(NodeProcedures.BlockdevAssemble, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.BlockdevAssemble);
            var disk = RpcArgs.Get<DiskSpec>(a, "disk", NodeProcedures.BlockdevAssemble);
            var assembled = await drivers.For(disk).AssembleAsync(disk,
                RpcArgs.Get<string>(a, "instance_name", NodeProcedures.BlockdevAssemble),
                RpcArgs.Get<bool>(a, "on_primary", NodeProcedures.BlockdevAssemble), ct).ConfigureAwait(false);
            return Location(assembled);
        });

        d.Register(NodeProcedures.BlockdevShutdown, async (args, ct) =>
        {
            var disk = Disk(args, NodeProcedures.BlockdevShutdown);
            await drivers.For(disk).ShutdownAsync(disk, ct).ConfigureAwait(false);
            return null;
        });

        d.Register(NodeProcedures.BlockdevGrow, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.BlockdevGrow);
            var disk = RpcArgs.Get<DiskSpec>(a, "disk", NodeProcedures.BlockdevGrow);
            await drivers.For(disk).GrowAsync(disk,
                RpcArgs.Get<long>(a, "amount_mib", NodeProcedures.BlockdevGrow),
                RpcArgs.GetOptional<bool>(a, "dry_run"), ct).ConfigureAwait(false);
            return null;
        });

        d.Register(NodeProcedures.BlockdevRename, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.BlockdevRename);
            var disk = RpcArgs.Get<DiskSpec>(a, "disk", NodeProcedures.BlockdevRename);
            var newId = RpcArgs.Get<List<JsonElement>>(a, "new_logical_id", NodeProcedures.BlockdevRename);
            await drivers.For(disk).RenameAsync(disk, newId, ct).ConfigureAwait(false);
            return null;
        });

        d.Register(NodeProcedures.BlockdevWipe, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.BlockdevWipe);
            var disk = RpcArgs.Get<DiskSpec>(a, "disk", NodeProcedures.BlockdevWipe);
            var located = await drivers.For(disk).FindAsync(disk, ct).ConfigureAwait(false)
                ?? throw Core.Errors.GanetiException.Exec($"Cannot wipe disk {disk.Uuid}: it is not present on this node");
            if (located.Format != ImageFormat.Raw)
                return null; // a fresh qcow2 image reads as zeros; writing zeros over its file would destroy it
            await DiskWiper.WipeAsync(located.Path,
                RpcArgs.GetOptional<long>(a, "offset_mib"),
                RpcArgs.Get<long>(a, "size_mib", NodeProcedures.BlockdevWipe), null, ct).ConfigureAwait(false);
            return null;
        });

        d.Register(NodeProcedures.BlockdevGetMirrorStatus, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.BlockdevGetMirrorStatus);
            var disks = RpcArgs.Get<List<DiskSpec>>(a, "disks", NodeProcedures.BlockdevGetMirrorStatus);
            var result = new List<MirrorStatus>();
            foreach (var disk in disks)
            {
                var s = await drivers.For(disk).GetSyncStatusAsync(disk, ct).ConfigureAwait(false);
                result.Add(new MirrorStatus(s.SyncPercent, s.EstimatedTimeSeconds, s.IsDegraded, s.LdiskStatus));
            }
            return RpcArgs.Result(result);
        });

        // {instance_name, disks} → null: drbd minors become secondary; other templates have nothing to close
        d.Register(NodeProcedures.BlockdevClose, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.BlockdevClose);
            foreach (var disk in RpcArgs.Get<List<DiskSpec>>(a, "disks", NodeProcedures.BlockdevClose))
                if (disk.DevType == DrbdDriver.TemplateName)
                    await Drbd(drivers).CloseAsync(disk, ct).ConfigureAwait(false);
            return null;
        });

        // {disks} → null: each drbd minor goes StandAlone
        d.Register(NodeProcedures.DrbdDisconnectNet, async (args, ct) =>
        {
            foreach (var disk in DrbdDisks(args, NodeProcedures.DrbdDisconnectNet))
                await Drbd(drivers).DisconnectNetAsync(disk, ct).ConfigureAwait(false);
            return null;
        });

        // {disks, instance_name, multimaster} → null: each StandAlone minor connects to its peer again
        d.Register(NodeProcedures.DrbdAttachNet, async (args, ct) =>
        {
            var multimaster = RpcArgs.Get<bool>(RpcArgs.Object(args, NodeProcedures.DrbdAttachNet), "multimaster", NodeProcedures.DrbdAttachNet);
            foreach (var disk in DrbdDisks(args, NodeProcedures.DrbdAttachNet))
                await Drbd(drivers).AttachNetAsync(disk, multimaster, ct).ConfigureAwait(false);
            return null;
        });

        // {disks} → {all_done, min_resync}: one look at the replication, the caller polls
        d.Register(NodeProcedures.DrbdWaitSync, async (args, ct) =>
        {
            var allDone = true;
            var minResync = 100.0;
            foreach (var disk in DrbdDisks(args, NodeProcedures.DrbdWaitSync))
            {
                var (done, percent) = await Drbd(drivers).SyncProgressAsync(disk, ct).ConfigureAwait(false);
                allDone &= done;
                if (percent is double p)
                    minResync = Math.Min(minResync, p);
            }
            return new JsonObject { ["all_done"] = allDone, ["min_resync"] = minResync };
        });

        // {disk} → null: the drbd disk's local volumes are detached (it goes diskless here)
        d.Register(NodeProcedures.BlockdevRemoveChildren, async (args, ct) =>
        {
            var disk = Disk(args, NodeProcedures.BlockdevRemoveChildren);
            await Drbd(drivers, disk, NodeProcedures.BlockdevRemoveChildren).DetachLocalAsync(disk, ct).ConfigureAwait(false);
            return null;
        });

        // {disk, instance_name, on_primary, init_meta} → null: the disk's children (as given) are attached
        d.Register(NodeProcedures.BlockdevAddChildren, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.BlockdevAddChildren);
            var disk = RpcArgs.Get<DiskSpec>(a, "disk", NodeProcedures.BlockdevAddChildren);
            await Drbd(drivers, disk, NodeProcedures.BlockdevAddChildren).AttachLocalAsync(disk,
                RpcArgs.Get<string>(a, "instance_name", NodeProcedures.BlockdevAddChildren),
                RpcArgs.Get<bool>(a, "on_primary", NodeProcedures.BlockdevAddChildren),
                RpcArgs.Get<bool>(a, "init_meta", NodeProcedures.BlockdevAddChildren), ct).ConfigureAwait(false);
            return null;
        });

        // {disk} → {path, uri, format} or null when the disk is not present
        d.Register(BlockdevFind, async (args, ct) =>
        {
            var disk = Disk(args, BlockdevFind);
            var found = await drivers.For(disk).FindAsync(disk, ct).ConfigureAwait(false);
            return found is null ? null : Location(found);
        });

        // {disk, snap_name} → logical_id of the snapshot
        d.Register(BlockdevSnapshot, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, BlockdevSnapshot);
            var disk = RpcArgs.Get<DiskSpec>(a, "disk", BlockdevSnapshot);
            var id = await drivers.For(disk).SnapshotAsync(disk, RpcArgs.Get<string>(a, "snap_name", BlockdevSnapshot), ct).ConfigureAwait(false);
            return RpcArgs.Result(id);
        });

        // {disk, info} → null
        d.Register(BlockdevSetInfo, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, BlockdevSetInfo);
            var disk = RpcArgs.Get<DiskSpec>(a, "disk", BlockdevSetInfo);
            await drivers.For(disk).SetInfoAsync(disk, RpcArgs.Get<string>(a, "info", BlockdevSetInfo), ct).ConfigureAwait(false);
            return null;
        });

        // {provider, ext_params} → null, or the provider's verify error
        d.Register(ExtStorageVerify, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, ExtStorageVerify);
            if (drivers.For(Storage.Ext.ExtStorageDriver.TemplateName) is not Storage.Ext.ExtStorageDriver ext)
                throw Core.Errors.GanetiException.Program("the ext driver is not the ExtStorage driver");
            await ext.VerifyAsync(RpcArgs.Get<string>(a, "provider", ExtStorageVerify),
                RpcArgs.GetOptional<Dictionary<string, JsonElement>>(a, "ext_params") ?? [], ct).ConfigureAwait(false);
            return null;
        });

        d.Register(StorageSpace, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, StorageSpace);
            var units = RpcArgs.Get<List<StorageUnit>>(a, "units", StorageSpace);
            var result = new List<StorageSpace>();
            foreach (var group in units.GroupBy(u => u.Type))
                result.AddRange(await drivers.ForStorageType(group.Key)
                    .GetSpaceAsync([.. group], ct).ConfigureAwait(false));
            return RpcArgs.Result(result);
        });
    }

    private static DrbdDriver Drbd(StorageDrivers drivers) =>
        drivers.For(DrbdDriver.TemplateName) as DrbdDriver
        ?? throw Core.Errors.GanetiException.Program("the drbd driver is not the DRBD driver");

    private static List<DiskSpec> DrbdDisks(JsonNode? args, string procedure)
    {
        var disks = RpcArgs.Get<List<DiskSpec>>(RpcArgs.Object(args, procedure), "disks", procedure);
        if (disks.FirstOrDefault(x => x.DevType != DrbdDriver.TemplateName) is { } other)
            throw Core.Errors.GanetiException.WrongInput($"{procedure} acts on drbd disks only; disk {other.Uuid} is {other.DevType}");
        return disks;
    }

    private static Storage.Drbd.DrbdDriver Drbd(StorageDrivers drivers, DiskSpec disk, string procedure) =>
        drivers.For(disk) as Storage.Drbd.DrbdDriver
            ?? throw Core.Errors.GanetiException.WrongInput($"{procedure} works on drbd disks only, not on '{disk.DevType}' disk {disk.Uuid}");

    private static DiskSpec Disk(JsonNode? args, string procedure) =>
        RpcArgs.Get<DiskSpec>(RpcArgs.Object(args, procedure), "disk", procedure);

    private static JsonNode? Location(AttachedDisk disk) => RpcArgs.Result(new BlockdevLocation(disk.Path, disk.Uri, disk.Format));
}
