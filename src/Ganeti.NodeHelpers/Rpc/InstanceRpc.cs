using System.Text.Json.Nodes;
using Ganeti.Core;
using Ganeti.Core.Errors;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Rpc;

/// <summary>Node procedures for running instances and reporting on the node: they go to the hypervisors.</summary>
public static class InstanceRpc
{
    public const string TestDelay = "test_delay";

    public static void Register(NodeRpcDispatcher d, NodeContext ctx)
    {
        var storage = Storage.StorageDrivers.CreateDefault(ctx);
        d.Register(NodeProcedures.Version, (_, _) => Task.FromResult<JsonNode?>(new JsonObject
        {
            ["protocol"] = ProjectInfo.RapiVersion,
            ["version"] = ProjectInfo.Version,
            ["ganeti"] = ProjectInfo.GanetiCompatVersion,
            ["node"] = ctx.NodeName,
        }));

        d.Register(TestDelay, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, TestDelay);
            var seconds = RpcArgs.Get<double>(a, "duration", TestDelay);
            if (seconds > 0) await Task.Delay(TimeSpan.FromSeconds(seconds), ct).ConfigureAwait(false);
            return null;
        });

        d.Register(NodeProcedures.NodeInfo, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.NodeInfo);
            var hvs = RpcArgs.GetOptional<List<string>>(a, "hypervisors") ?? [];
            var hvparams = RpcArgs.GetOptional<Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>>>(a, "hvparams");
            var hvInfo = new Dictionary<string, HvNodeInfo>(StringComparer.Ordinal);
            foreach (var name in hvs)
                if (ctx.Hypervisors.TryGetValue(name, out var hv))
                    hvInfo[name] = await hv.GetNodeInfoAsync(hvparams?.GetValueOrDefault(name), ct).ConfigureAwait(false);
            // The storage unit the master asks about (Ganeti's storage_units: the default unit
            // of the disk template in question, an LVM volume group for plain and drbd), else
            // the file storage directory's file system.
            long? total = null, free = null;
            string? storageError = null;
            var units = RpcArgs.GetOptional<List<Storage.StorageUnit>>(a, "storage_units") ?? [];
            if (units.Count > 0)
            {
                try
                {
                    // Node add asks whether the unit can hold disks at all, not only how big it is.
                    if (RpcArgs.GetOptional<bool>(a, "check_storage") && units[0].Type is "file" or "sharedfile")
                        Storage.FileStorage.FileStorageDirectory.CheckUsable(units[0].Key);
                    var space = await storage.ForStorageType(units[0].Type).GetSpaceAsync([units[0]], ct).ConfigureAwait(false);
                    if (space.FirstOrDefault() is { } unit)
                    {
                        total = unit.StorageSize;
                        free = unit.StorageFree;
                    }
                }
                catch (Exception e) when (e is GanetiException or IOException or UnauthorizedAccessException)
                {
                    storageError = $"{units[0].Type} {units[0].Key}: {e.Message}";
                }
            }
            else if (StorageFacts(ctx) is { } files)
            {
                total = files.Total;
                free = files.Free;
            }
            return RpcArgs.Result(new NodeInfoResult
            {
                Name = ctx.NodeName,
                BootId = BootId(),
                Time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0,
                Hypervisors = hvInfo,
                StorageTotal = total,
                StorageFree = free,
                StorageError = storageError,
            });
        });

        d.Register(NodeProcedures.HypervisorValidateParams, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.HypervisorValidateParams);
            var hv = ctx.Hypervisor(RpcArgs.Get<string>(a, "hypervisor", NodeProcedures.HypervisorValidateParams));
            var hvparams = RpcArgs.GetOptional<Dictionary<string, System.Text.Json.JsonElement>>(a, "hvparams") ?? [];
            hv.CheckParameters(hvparams);
            await hv.ValidateParametersAsync(hvparams, ct).ConfigureAwait(false);
            return null;
        });

        d.Register(NodeProcedures.InstanceStart, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.InstanceStart);
            var inst = RpcArgs.Get<InstanceSpec>(a, "instance", NodeProcedures.InstanceStart);
            var paused = RpcArgs.GetOptional<bool>(a, "startup_paused");
            var hv = ctx.Hypervisor(inst.Hypervisor);
            hv.CheckParameters(inst.Hvparams);
            await hv.StartAsync(inst, paused, ct).ConfigureAwait(false);
            return null;
        });

        d.Register(NodeProcedures.InstanceShutdown, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.InstanceShutdown);
            var inst = RpcArgs.Get<InstanceSpec>(a, "instance", NodeProcedures.InstanceShutdown);
            var timeout = TimeSpan.FromSeconds(RpcArgs.GetOptional<int?>(a, "timeout") ?? 120);
            var hv = ctx.Hypervisor(inst.Hypervisor);
            if (await hv.GetInstanceInfoAsync(inst.Name, ct).ConfigureAwait(false) is null)
                return null;
            await hv.StopAsync(inst, force: false, timeout, ct).ConfigureAwait(false);
            await hv.CleanupAsync(inst.Name, ct).ConfigureAwait(false);
            return null;
        });

        d.Register(NodeProcedures.InstanceReboot, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.InstanceReboot);
            var inst = RpcArgs.Get<InstanceSpec>(a, "instance", NodeProcedures.InstanceReboot);
            var type = RpcArgs.GetOptional<string>(a, "reboot_type") ?? "soft";
            var timeout = TimeSpan.FromSeconds(RpcArgs.GetOptional<int?>(a, "shutdown_timeout") ?? 120);
            var hv = ctx.Hypervisor(inst.Hypervisor);
            if (await hv.GetInstanceInfoAsync(inst.Name, ct).ConfigureAwait(false) is null)
                throw GanetiException.Exec($"Instance {inst.Name} is not running on node {ctx.NodeName}");
            if (type == "soft")
                await hv.RebootAsync(inst, ct).ConfigureAwait(false);
            else
            {
                await hv.StopAsync(inst, force: true, timeout, ct).ConfigureAwait(false);
                await hv.CleanupAsync(inst.Name, ct).ConfigureAwait(false);
                await hv.StartAsync(inst, paused: false, ct).ConfigureAwait(false);
            }
            return null;
        });

        d.Register(NodeProcedures.InstanceBalloonMemory, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.InstanceBalloonMemory);
            var inst = RpcArgs.Get<InstanceSpec>(a, "instance", NodeProcedures.InstanceBalloonMemory);
            var memory = RpcArgs.Get<long>(a, "memory", NodeProcedures.InstanceBalloonMemory);
            if (memory <= 0)
                throw GanetiException.WrongInput($"{NodeProcedures.InstanceBalloonMemory}: memory must be positive, got {memory}");
            await ctx.Hypervisor(inst.Hypervisor).BalloonMemoryAsync(inst, memory, ct).ConfigureAwait(false);
            return null;
        });

        d.Register(NodeProcedures.InstanceList, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.InstanceList);
            var names = new List<string>();
            foreach (var hv in Selected(ctx, RpcArgs.GetOptional<List<string>>(a, "hypervisors")))
                names.AddRange(await hv.ListInstancesAsync(ct).ConfigureAwait(false));
            return RpcArgs.Result(names.Order(StringComparer.Ordinal).ToList());
        });

        d.Register(NodeProcedures.InstanceInfo, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.InstanceInfo);
            var name = RpcArgs.Get<string>(a, "instance_name", NodeProcedures.InstanceInfo);
            var hv = ctx.Hypervisor(RpcArgs.Get<string>(a, "hypervisor", NodeProcedures.InstanceInfo));
            return RpcArgs.Result(await hv.GetInstanceInfoAsync(name, ct).ConfigureAwait(false));
        });

        d.Register(NodeProcedures.AllInstancesInfo, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.AllInstancesInfo);
            var all = new List<HvInstanceInfo>();
            foreach (var hv in Selected(ctx, RpcArgs.GetOptional<List<string>>(a, "hypervisors")))
                all.AddRange(await hv.GetAllInstancesInfoAsync(ct).ConfigureAwait(false));
            return RpcArgs.Result(all);
        });

        d.Register(NodeProcedures.InstanceConsoleInfo, (args, _) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.InstanceConsoleInfo);
            var inst = RpcArgs.Get<InstanceSpec>(a, "instance", NodeProcedures.InstanceConsoleInfo);
            var address = RpcArgs.GetOptional<string>(a, "node_address") ?? ctx.NodeName;
            return Task.FromResult(RpcArgs.Result(ctx.Hypervisor(inst.Hypervisor).GetConsole(inst, address)));
        });
    }

    private static IEnumerable<Hypervisors.IHypervisor> Selected(NodeContext ctx, List<string>? names) =>
        names is null ? ctx.Hypervisors.Values : names.Where(ctx.Hypervisors.ContainsKey).Select(n => ctx.Hypervisors[n]);

    private static string? BootId()
    {
        try { return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim(); }
        catch (IOException) { return null; }
    }

    /// <summary>Total and free MiB of the file storage directory's file system.</summary>
    private static (long Total, long Free)? StorageFacts(NodeContext ctx)
    {
        var dir = ctx.AllowedFileStoragePaths.FirstOrDefault(Directory.Exists);
        if (dir is null) return null;
        try
        {
            var drive = new DriveInfo(dir);
            return (drive.TotalSize / (1024 * 1024), drive.AvailableFreeSpace / (1024 * 1024));
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
