using Ganeti.Remoting.NodeRpc;
using System.Net;
using System.Text.Json;
using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.ImportExport;
using Ganeti.NodeHelpers.Os;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Rpc;

/// <summary>
/// Instance data transfer procedures (Ganeti's import_start, export_start, impexp_status,
/// impexp_abort, impexp_cleanup, export_list, export_info, export_remove, finalize_export) plus
/// instance_export_local, which writes a complete export on this node in one call, and
/// export_begin, which opens an export that other nodes stream into.
/// </summary>
public static class ImportExportRpc
{
    public const string ImportStart = NodeProcedures.ImportStart;
    public const string ExportStart = NodeProcedures.ExportStart;
    public const string ImpExpStatus = NodeProcedures.ImpExpStatus;
    public const string ImpExpAbort = NodeProcedures.ImpExpAbort;
    public const string ImpExpCleanup = NodeProcedures.ImpExpCleanup;
    public const string ExportList = NodeProcedures.ExportList;
    public const string ExportInfo = NodeProcedures.ExportInfo;
    public const string ExportRemove = NodeProcedures.ExportRemove;
    public const string InstanceExportLocal = NodeProcedures.InstanceExportLocal;
    public const string InstanceImportLocal = NodeProcedures.InstanceImportLocal;
    public const string ExportBegin = NodeProcedures.ExportBegin;
    public const string FinalizeExport = NodeProcedures.FinalizeExport;

    public sealed record ImportStarted(string Name, int Port);

    public static void Register(NodeRpcDispatcher d, NodeContext ctx)
    {
        var os = new OsRunner(new OsDiscovery(ctx), ctx.Paths, ProcessCommandRunner.Instance, null, StorageDrivers.CreateDefault(ctx));
        Register(d, new InstanceTransfer(os, ctx.Paths, ctx.NodeName), new ImpExpRegistry(), ctx);
    }

    private static bool Endpoint(string? value, string what) => value switch
    {
        null or "disk" => false,
        "export" => true,
        _ => throw GanetiException.WrongInput($"Unknown transfer {what} '{value}' (disk or export)"),
    };

    private static DiskDataMode Mode(JsonElement? mode) => mode?.GetString() switch
    {
        null or "os" => DiskDataMode.OsScripts,
        "raw" => DiskDataMode.Raw,
        var m => throw GanetiException.WrongInput($"Unknown transfer mode '{m}' (os or raw)"),
    };

    public static void Register(NodeRpcDispatcher d, InstanceTransfer transfer, ImpExpRegistry registry, NodeContext ctx)
    {
        // {instance, disk_index, mode: os|raw, listen_address, secret, accept_timeout_s,
        //  destination: disk (default: onto the instance's disk) | export (a dump in the export being received)} → {name, port}
        d.Register(ImportStart, (args, _) =>
        {
            var a = RpcArgs.Object(args, ImportStart);
            var instance = RpcArgs.Get<InstanceSpec>(a, "instance", ImportStart);
            var index = RpcArgs.Get<int>(a, "disk_index", ImportStart);
            var mode = Mode(RpcArgs.GetOptional<JsonElement?>(a, "mode"));
            var toExport = Endpoint(RpcArgs.GetOptional<string>(a, "destination"), "destination");
            var address = IPAddress.Parse(RpcArgs.GetOptional<string>(a, "listen_address") ?? "0.0.0.0");
            var secret = RpcArgs.Get<string>(a, "secret", ImportStart);
            var timeout = TimeSpan.FromSeconds(RpcArgs.GetOptional<int?>(a, "accept_timeout_s") ?? 600);
            if (index < 0 || index >= instance.Disks.Count)
                throw GanetiException.WrongInput($"Instance {instance.Name} has no disk {index}");
            var listener = new DiskStreamListener(address);
            var port = listener.EndPoint.Port;
            var name = registry.Start("import", port, async (progress, ct) =>
            {
                using (listener)
                    return toExport
                        ? await transfer.ReceiveDumpAsync(instance.Name, index, listener, secret, timeout, progress, ct).ConfigureAwait(false)
                        : await transfer.ReceiveDiskAsync(instance, index, mode, listener, secret, timeout, progress, ct).ConfigureAwait(false);
            });
            return Task.FromResult(RpcArgs.Result(new ImportStarted(name, port)));
        });

        // {instance, disk_index, mode, host, port, secret, compression, copy_swap,
        //  source: disk (default: the instance's disk) | export (the dump in this node's export of export_name)}
        //  → {name}, or {name: null, skipped: reason} when there is nothing to send (swap, or no dump in the export)
        d.Register(ExportStart, (args, _) =>
        {
            var a = RpcArgs.Object(args, ExportStart);
            var instance = RpcArgs.Get<InstanceSpec>(a, "instance", ExportStart);
            var index = RpcArgs.Get<int>(a, "disk_index", ExportStart);
            var mode = Mode(RpcArgs.GetOptional<JsonElement?>(a, "mode"));
            var fromExport = Endpoint(RpcArgs.GetOptional<string>(a, "source"), "source");
            var host = RpcArgs.Get<string>(a, "host", ExportStart);
            var port = RpcArgs.Get<int>(a, "port", ExportStart);
            var secret = RpcArgs.Get<string>(a, "secret", ExportStart);
            var compression = RpcArgs.GetOptional<string>(a, "compression") ?? StreamCompression.None;
            var copySwap = RpcArgs.GetOptional<bool?>(a, "copy_swap") ?? false;
            var skipSwap = RpcArgs.GetOptional<bool?>(a, "skip_swap") ?? false;
            StreamCompression.Check(compression);
            if (fromExport)
            {
                var exportName = RpcArgs.Get<string>(a, "export_name", ExportStart);
                if (InstanceTransfer.ReadConfig(transfer.ExportPath(exportName)).Get("instance", $"disk{index}_dump") is null)
                    return Task.FromResult(RpcArgs.Result(new Dictionary<string, string?> { ["name"] = null, ["skipped"] = "not in the export" }));
                var exportJob = registry.Start("export", null, (progress, ct) =>
                    transfer.SendDumpAsync(exportName, index, host, port, secret, compression, progress, ct));
                return Task.FromResult(RpcArgs.Result(new Dictionary<string, string?> { ["name"] = exportJob }));
            }
            if (!copySwap && !InstanceTransfer.IsExportable(instance, index))
            {
                if (skipSwap)
                    return Task.FromResult(RpcArgs.Result(new Dictionary<string, string?> { ["name"] = null, ["skipped"] = "swap" }));
                throw GanetiException.Prereq($"Disk {index} of {instance.Name} is a swap area; swap is never exported", ErrorCodes.WrongInput);
            }
            var name = registry.Start("export", null, (progress, ct) =>
                transfer.SendDiskAsync(instance, index, mode, host, port, secret, compression, progress, ct, copySwap));
            return Task.FromResult(RpcArgs.Result(new Dictionary<string, string?> { ["name"] = name }));
        });

        // {name} → null: an empty staging directory for an export other nodes will stream into.
        d.Register(ExportBegin, (args, _) =>
        {
            transfer.BeginExport(RpcArgs.Get<string>(RpcArgs.Object(args, ExportBegin), "name", ExportBegin));
            return Task.FromResult<System.Text.Json.Nodes.JsonNode?>(null);
        });
        // {instance, disk_template, source_node, exported: [bool per disk]} → {path}
        d.Register(FinalizeExport, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, FinalizeExport);
            var path = await transfer.FinalizeExportAsync(RpcArgs.Get<InstanceSpec>(a, "instance", FinalizeExport),
                RpcArgs.Get<string>(a, "disk_template", FinalizeExport), RpcArgs.Get<string>(a, "source_node", FinalizeExport),
                RpcArgs.Get<List<bool>>(a, "exported", FinalizeExport), ct).ConfigureAwait(false);
            return RpcArgs.Result(new Dictionary<string, string> { ["path"] = path });
        });

        d.Register(ImpExpStatus, (args, _) =>
        {
            var names = RpcArgs.Get<List<string>>(RpcArgs.Object(args, ImpExpStatus), "names", ImpExpStatus);
            return Task.FromResult(RpcArgs.Result(names.Select(registry.Get).ToList()));
        });
        d.Register(ImpExpAbort, (args, _) =>
        {
            registry.Abort(RpcArgs.Get<string>(RpcArgs.Object(args, ImpExpAbort), "name", ImpExpAbort));
            return Task.FromResult<System.Text.Json.Nodes.JsonNode?>(null);
        });
        d.Register(ImpExpCleanup, (args, _) =>
        {
            registry.Cleanup(RpcArgs.Get<string>(RpcArgs.Object(args, ImpExpCleanup), "name", ImpExpCleanup));
            return Task.FromResult<System.Text.Json.Nodes.JsonNode?>(null);
        });

        d.Register(ExportList, (_, _) =>
        {
            var dir = ctx.Paths.ExportDir;
            List<string> names = Directory.Exists(dir)
                ? [.. Directory.EnumerateDirectories(dir).Where(p => File.Exists(Path.Combine(p, ExportConfig.FileName)))
                    .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)]
                : [];
            return Task.FromResult(RpcArgs.Result(names));
        });
        d.Register(ExportInfo, (args, _) =>
        {
            var name = RpcArgs.Get<string>(RpcArgs.Object(args, ExportInfo), "name", ExportInfo);
            return Task.FromResult(RpcArgs.Result(ExportConfig.ToJson(InstanceTransfer.ReadConfig(transfer.ExportPath(name)))));
        });
        d.Register(ExportRemove, (args, _) =>
        {
            var a = RpcArgs.Object(args, ExportRemove);
            var exportName = RpcArgs.Get<string>(a, "name", ExportRemove);
            if (RpcArgs.GetOptional<bool?>(a, "unfinished") ?? false)
            {
                transfer.AbortExport(exportName);
                return Task.FromResult<System.Text.Json.Nodes.JsonNode?>(null);
            }
            var path = transfer.ExportPath(exportName);
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
            return Task.FromResult<System.Text.Json.Nodes.JsonNode?>(null);
        });

        // {instance, disk_template, mode} → {path}
        d.Register(InstanceExportLocal, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, InstanceExportLocal);
            var instance = RpcArgs.Get<InstanceSpec>(a, "instance", InstanceExportLocal);
            var path = await transfer.ExportLocalAsync(instance,
                RpcArgs.Get<string>(a, "disk_template", InstanceExportLocal), Mode(RpcArgs.GetOptional<JsonElement?>(a, "mode")), ct,
                RpcArgs.GetOptional<string>(a, "compression") ?? StreamCompression.None).ConfigureAwait(false);
            // Which disks have a dump: swap areas are not exported.
            var config = InstanceTransfer.ReadConfig(path);
            var exported = Enumerable.Range(0, instance.Disks.Count).Select(i => config.Get("instance", $"disk{i}_dump") is not null).ToList();
            return RpcArgs.Result(new { path, exported });
        });
        // {instance, export_name, mode} → null
        d.Register(InstanceImportLocal, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, InstanceImportLocal);
            await transfer.ImportLocalAsync(RpcArgs.Get<InstanceSpec>(a, "instance", InstanceImportLocal),
                transfer.ExportPath(RpcArgs.Get<string>(a, "export_name", InstanceImportLocal)),
                Mode(RpcArgs.GetOptional<JsonElement?>(a, "mode")), ct).ConfigureAwait(false);
            return null;
        });
    }
}
