using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// One disk's copy between two nodes: what the sending node reads (export_start arguments:
/// the instance and disk index, and either its disk or a dump of an export) and what the
/// receiving node writes (import_start arguments: its disk or a dump of the export it receives).
/// The transfer adds the address, port, secret and compression.
/// </summary>
public sealed record DiskTransfer(string Label, JsonObject Source, JsonObject Destination);

/// <summary>
/// Ganeti's TransferInstanceData: moves disks from one node to another as disk streams. For
/// each disk the receiving node listens on its secondary address with a fresh secret, the
/// sending node connects and streams (compressed as asked, HMAC-checked), and the master polls
/// both ends, logging progress, until both report the same checksum. A failure at either end
/// aborts the other, so neither side waits for a partner that is gone.
/// </summary>
public static class InstanceDataTransfer
{
    /// <summary>Ganeti's transport compression modes that the nodes' streams implement.</summary>
    public static readonly IReadOnlyList<string> CompressionModes = ["none", "gzip", "gzip-fast", "gzip-slow"];

    public static void CheckCompression(string mode)
    {
        if (!CompressionModes.Contains(mode))
            throw GanetiException.WrongInput($"Unsupported transport compression '{mode}' (use {string.Join(", ", CompressionModes)})");
    }

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FailureGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs the transfers one after the other. For each it returns whether data was sent: false
    /// when the source had nothing to send (a swap area, or a disk the export has no dump for).
    /// Throws on the first failure.
    /// </summary>
    public static async Task<IReadOnlyList<bool>> RunAsync(MasterContext master, Node source, Node target,
        IReadOnlyList<DiskTransfer> transfers, string compression, Action<string> log, CancellationToken ct)
    {
        var address = string.IsNullOrEmpty(target.SecondaryIp) ? target.PrimaryIp : target.SecondaryIp;
        var sent = new List<bool>();
        foreach (var t in transfers)
        {
            var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var importArgs = (JsonObject)t.Destination.DeepClone();
            importArgs["listen_address"] = address;
            importArgs["secret"] = secret;
            importArgs["accept_timeout_s"] = 60;
            var import = await master.Rpc.CallAsync(target, NodeProcedures.ImportStart, importArgs, ct).ConfigureAwait(false);
            var importName = import?["name"]?.GetValue<string>()
                ?? throw GanetiException.Exec($"{t.Label}: node {target.Name} did not start receiving");
            var port = import["port"]!.GetValue<int>();
            string? exportName = null;
            try
            {
                var exportArgs = (JsonObject)t.Source.DeepClone();
                exportArgs["host"] = address;
                exportArgs["port"] = port;
                exportArgs["secret"] = secret;
                exportArgs["compression"] = compression;
                exportArgs["skip_swap"] = true;
                var export = await master.Rpc.CallAsync(source, NodeProcedures.ExportStart, exportArgs, ct).ConfigureAwait(false);
                exportName = export?["name"]?.GetValue<string>();
                if (exportName is null)
                {
                    log($"{t.Label}: not copied ({export?["skipped"]?.GetValue<string>() ?? "nothing to send"})");
                    await AbortQuietlyAsync(master, target, importName).ConfigureAwait(false);
                    sent.Add(false);
                    continue;
                }
                log($"{t.Label}: sending from {source.Name} to {target.Name} ({address}:{port}, compression {compression})");
                await WaitAsync(master, source, exportName, target, importName, t.Label, log, ct).ConfigureAwait(false);
                sent.Add(true);
            }
            catch
            {
                await AbortQuietlyAsync(master, target, importName).ConfigureAwait(false);
                if (exportName is not null) await AbortQuietlyAsync(master, source, exportName).ConfigureAwait(false);
                throw;
            }
            finally
            {
                await CleanupQuietlyAsync(master, target, importName).ConfigureAwait(false);
                if (exportName is not null) await CleanupQuietlyAsync(master, source, exportName).ConfigureAwait(false);
            }
        }
        return sent;
    }

    private sealed record End(bool Done, bool Success, long Bytes, long? TotalBytes, double MiBPerSecond, string? Checksum, string? Error);

    private static async Task<End> StatusAsync(MasterContext master, Node node, string name, CancellationToken ct)
    {
        var answer = await master.Rpc.CallAsync(node, NodeProcedures.ImpExpStatus, new { names = new[] { name } }, ct).ConfigureAwait(false);
        var s = answer?.AsArray().FirstOrDefault() ?? throw GanetiException.Exec($"Node {node.Name} lost the transfer {name}");
        return new End(s["done"]?.GetValue<bool>() ?? false, s["success"]?.GetValue<bool>() ?? false, s["bytes"]?.GetValue<long>() ?? 0,
            s["total_bytes"]?.GetValue<long?>(), s["mib_per_second"]?.GetValue<double>() ?? 0,
            s["checksum"]?.GetValue<string>(), s["error"]?.GetValue<string>());
    }

    private static async Task WaitAsync(MasterContext master, Node source, string exportName, Node target, string importName,
        string label, Action<string> log, CancellationToken ct)
    {
        var lastLog = DateTime.UtcNow;
        while (true)
        {
            var sender = await StatusAsync(master, source, exportName, ct).ConfigureAwait(false);
            var receiver = await StatusAsync(master, target, importName, ct).ConfigureAwait(false);
            if ((sender.Done && !sender.Success) || (receiver.Done && !receiver.Success))
            {
                // One end failing usually ends the other (a receiver refusing the data breaks the
                // sender's connection): give the other end a moment to finish, so that the cause is
                // reported and not only its consequence.
                var deadline = DateTime.UtcNow + FailureGrace;
                while (!(sender.Done && receiver.Done) && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(PollInterval, ct).ConfigureAwait(false);
                    if (!sender.Done) sender = await StatusAsync(master, source, exportName, ct).ConfigureAwait(false);
                    if (!receiver.Done) receiver = await StatusAsync(master, target, importName, ct).ConfigureAwait(false);
                }
                var errors = new List<string>();
                if (receiver.Done && !receiver.Success) errors.Add($"receiving on {target.Name} failed: {receiver.Error}");
                if (sender.Done && !sender.Success) errors.Add($"sending from {source.Name} failed: {sender.Error}");
                throw GanetiException.Exec($"{label}: {string.Join("; ", errors)}");
            }
            if (sender.Done && receiver.Done)
            {
                if (sender.Checksum != receiver.Checksum || sender.Bytes != receiver.Bytes)
                    throw GanetiException.Exec(
                        $"{label}: {target.Name} received {receiver.Bytes} bytes (checksum {receiver.Checksum}), {source.Name} sent {sender.Bytes} (checksum {sender.Checksum})");
                log(string.Create(CultureInfo.InvariantCulture,
                    $"{label}: {Mib(receiver.Bytes)} copied at {sender.MiBPerSecond:0.0} MiB/s, checksum {receiver.Checksum?[..16]}"));
                return;
            }
            if (DateTime.UtcNow - lastLog >= ProgressInterval)
            {
                lastLog = DateTime.UtcNow;
                var of = sender.TotalBytes is > 0 ? string.Create(CultureInfo.InvariantCulture,
                    $" of {Mib(sender.TotalBytes.Value)} ({100.0 * sender.Bytes / sender.TotalBytes.Value:0}%)") : "";
                log(string.Create(CultureInfo.InvariantCulture, $"{label}: {Mib(sender.Bytes)}{of} sent, {sender.MiBPerSecond:0.0} MiB/s"));
            }
            await Task.Delay(PollInterval, ct).ConfigureAwait(false);
        }
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");

    private static async Task AbortQuietlyAsync(MasterContext master, Node node, string name)
    {
        try
        {
            await master.Rpc.CallAsync(node, NodeProcedures.ImpExpAbort, new { name }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (GanetiException)
        {
            // the node's own error is what gets reported
        }
    }

    private static async Task CleanupQuietlyAsync(MasterContext master, Node node, string name)
    {
        try
        {
            await master.Rpc.CallAsync(node, NodeProcedures.ImpExpCleanup, new { name }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (GanetiException)
        {
            // a node that is gone has nothing left to clean
        }
    }
}
