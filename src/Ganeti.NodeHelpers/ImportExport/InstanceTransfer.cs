using System.Globalization;
using System.IO.Pipelines;
using Ganeti.Core.Errors;
using Ganeti.Core.Paths;
using Ganeti.NodeHelpers.Os;
using Ganeti.NodeHelpers.Storage;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.ImportExport;

/// <summary>
/// Moves an instance's disks: into an export directory in Ganeti's layout
/// (srv/ganeti/export/NAME/config.ini plus one dump per disk), out of one into new disks, and
/// between nodes as <see cref="DiskStream"/>s. Data passes through the OS definition's export
/// and import scripts or, in raw mode, is copied as is. Swap areas are never exported.
/// Disks are expected assembled (DiskSpec.Path set) and not in use by a running instance;
/// exporting a running instance needs a snapshot first.
/// </summary>
public sealed class InstanceTransfer(OsRunner os, GanetiPaths paths, string nodeName)
{
    public const string DumpPattern = "disk{0}.dump";

    /// <summary>Where an instance's export lives on this node.</summary>
    public string ExportPath(string instanceName)
    {
        if (instanceName.Length == 0 || instanceName.Contains('/') || instanceName.StartsWith('.'))
            throw GanetiException.WrongInput($"Invalid instance name '{instanceName}'");
        return Path.Combine(paths.ExportDir, instanceName);
    }

    /// <summary>Writes the data of one disk to output, through the OS export script or raw; false when it is swap.</summary>
    public async Task<bool> ReadDiskAsync(InstanceSpec instance, int index, DiskDataMode mode, Stream output, CancellationToken cancellationToken)
    {
        var path = DiskPath(instance, index);
        if (SwapDetector.IsSwap(path))
            return false;
        if (mode == DiskDataMode.OsScripts)
        {
            await os.ExportAsync(instance, index, output, 0, cancellationToken).ConfigureAwait(false);
            return true;
        }
        await using var f = OpenDisk(path, FileAccess.Read);
        await f.CopyToAsync(output, 1 << 20, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Writes input onto one disk, through the OS import script or raw.</summary>
    public async Task WriteDiskAsync(InstanceSpec instance, int index, DiskDataMode mode, Stream input, CancellationToken cancellationToken)
    {
        var path = DiskPath(instance, index);
        if (mode == DiskDataMode.OsScripts)
        {
            await os.ImportAsync(instance, index, input, 0, cancellationToken).ConfigureAwait(false);
            return;
        }
        await using var f = OpenDisk(path, FileAccess.Write);
        var capacity = DiskCapacity(path);
        var buffer = new byte[1 << 20];
        long written = 0;
        int n;
        while ((n = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (written + n > capacity)
                throw GanetiException.Exec($"Disk {index} of {instance.Name} is smaller than the data arriving for it ({capacity >> 20} MiB)");
            await f.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            written += n;
        }
        f.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Exports every disk into this node's export directory, then config.ini; the export
    /// appears under its final name only once complete (an older one is replaced). As in
    /// Ganeti, the dumps are stored compressed when asked, and config.ini says how.
    /// </summary>
    public async Task<string> ExportLocalAsync(InstanceSpec instance, string diskTemplate, DiskDataMode mode, CancellationToken cancellationToken,
        string compression = StreamCompression.None)
    {
        StreamCompression.Check(compression);
        var final = ExportPath(instance.Name);
        var staging = final + ".new";
        if (Directory.Exists(staging))
            Directory.Delete(staging, recursive: true);
        Posix.CreateDirectory(staging, Posix.Dir0750);
        try
        {
            var dumps = new List<ExportConfig.DiskDump>();
            for (var i = 0; i < instance.Disks.Count; i++)
            {
                var name = string.Format(CultureInfo.InvariantCulture, DumpPattern, i);
                bool exported;
                await using (var f = new FileStream(Path.Combine(staging, name), FileMode.CreateNew, FileAccess.Write))
                {
                    var packed = StreamCompression.Compress(compression, f);
                    exported = await ReadDiskAsync(instance, i, mode, packed, cancellationToken).ConfigureAwait(false);
                    if (!ReferenceEquals(packed, f))
                        await packed.DisposeAsync().ConfigureAwait(false); // writes the compressor's trailer
                    f.Flush(flushToDisk: true);
                }
                if (!exported)
                    File.Delete(Path.Combine(staging, name));
                dumps.Add(new ExportConfig.DiskDump(exported ? name : null, instance.Disks[i].SizeMiB));
            }
            await WriteConfigAsync(staging, ExportConfig.Create(instance, nodeName, diskTemplate, dumps, compression, DateTimeOffset.UtcNow),
                cancellationToken).ConfigureAwait(false);
            if (Directory.Exists(final))
                Directory.Delete(final, recursive: true);
            Directory.Move(staging, final);
            return final;
        }
        catch
        {
            if (Directory.Exists(staging))
                Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    public static async Task WriteConfigAsync(string dir, ExportConfig config, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dir, ExportConfig.FileName);
        await using var f = new FileStream(path, FileMode.Create, FileAccess.Write);
        await f.WriteAsync(System.Text.Encoding.UTF8.GetBytes(config.ToString()), cancellationToken).ConfigureAwait(false);
        f.Flush(flushToDisk: true);
    }

    /// <summary>Reads and checks an export's config.ini.</summary>
    public static ExportConfig ReadConfig(string exportDir)
    {
        var path = Path.Combine(exportDir, ExportConfig.FileName);
        if (!File.Exists(path))
            throw GanetiException.Prereq($"No export description at {path}", ErrorCodes.UnknownEntity);
        var config = ExportConfig.Parse(File.ReadAllText(path));
        config.Validate();
        return config;
    }

    /// <summary>Writes each exported disk of an export directory onto the instance's new disks.</summary>
    public async Task ImportLocalAsync(InstanceSpec instance, string exportDir, DiskDataMode mode, CancellationToken cancellationToken)
    {
        var config = ReadConfig(exportDir);
        for (var i = 0; i < instance.Disks.Count; i++)
        {
            var dump = config.Get("instance", $"disk{i}_dump");
            if (dump is null)
                continue; // not exported (swap): the new disk stays empty
            if (dump.Contains('/'))
                throw GanetiException.WrongInput($"Invalid dump name '{dump}' in {exportDir}");
            await using var f = new FileStream(Path.Combine(exportDir, dump), FileMode.Open, FileAccess.Read);
            await using var data = StreamCompression.Decompress(StoredCompression(config), f);
            await WriteDiskAsync(instance, i, mode, data, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How an export's dumps are stored: config.ini's compression, none when absent (older exports).</summary>
    public static string StoredCompression(ExportConfig config)
    {
        var stored = config.Get("export", "compression") ?? StreamCompression.None;
        StreamCompression.Check(stored);
        return stored;
    }

    /// <summary>Whether a disk is exported at all: swap areas are not.</summary>
    public static bool IsExportable(InstanceSpec instance, int index) => !SwapDetector.IsSwap(DiskPath(instance, index));

    /// <summary>
    /// Streams one disk to a listening node. Returns null, sending nothing, for a swap area;
    /// callers check <see cref="IsExportable"/> before starting a receiver for it.
    /// </summary>
    public async Task<TransferResult?> SendDiskAsync(InstanceSpec instance, int index, DiskDataMode mode, string host, int port, string secret,
        string compression, IProgress<TransferProgress>? progress, CancellationToken cancellationToken, bool copySwap = false)
    {
        var path = DiskPath(instance, index);
        if (!copySwap && SwapDetector.IsSwap(path))
            return null;
        var size = mode == DiskDataMode.Raw ? DiskCapacity(path) : (long?)null;
        var pipe = new Pipe();
        var producer = Task.Run(async () =>
        {
            var writer = pipe.Writer.AsStream();
            try
            {
                if (copySwap && mode == DiskDataMode.Raw)
                {
                    // A move copies every disk as it is, swap included: the guest expects it back.
                    await using var f = OpenDisk(path, FileAccess.Read);
                    await f.CopyToAsync(writer, 1 << 20, cancellationToken).ConfigureAwait(false);
                }
                else
                    await ReadDiskAsync(instance, index, mode, writer, cancellationToken).ConfigureAwait(false);
                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
                throw;
            }
        }, cancellationToken);
        var header = new DiskStream.Header(compression, size, $"{instance.Name}/disk{index}");
        try
        {
            var result = await DiskStreamSender.SendAsync(host, port, pipe.Reader.AsStream(), secret, header, progress, cancellationToken)
                .ConfigureAwait(false);
            await producer.ConfigureAwait(false);
            return result;
        }
        catch when (producer.IsFaulted)
        {
            await producer.ConfigureAwait(false); // the script's error says more than the broken stream
            throw;
        }
    }

    /// <summary>Receives one disk from a sending node onto the instance's disk.</summary>
    public async Task<TransferResult> ReceiveDiskAsync(InstanceSpec instance, int index, DiskDataMode mode, DiskStreamListener listener,
        string secret, TimeSpan acceptTimeout, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var pipe = new Pipe();
        var consumer = Task.Run(async () =>
        {
            var reader = pipe.Reader.AsStream();
            try
            {
                await WriteDiskAsync(instance, index, mode, reader, cancellationToken).ConfigureAwait(false);
                await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Reader.CompleteAsync(e).ConfigureAwait(false);
                throw;
            }
        }, cancellationToken);
        (DiskStream.Header, TransferResult) received;
        try
        {
            await using var writer = pipe.Writer.AsStream();
            received = await listener.ReceiveAsync(writer, secret, acceptTimeout, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
            try
            {
                await consumer.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // the stream's error is the one to report
            }
            throw;
        }
        await pipe.Writer.CompleteAsync().ConfigureAwait(false);
        await consumer.ConfigureAwait(false);
        return received.Item2;
    }

    /// <summary>Where an export sent from another node is put together until it is complete.</summary>
    public string StagingPath(string instanceName) => ExportPath(instanceName) + ".new";

    /// <summary>Starts an export that other nodes will stream into: an empty staging directory.</summary>
    public void BeginExport(string instanceName)
    {
        var staging = StagingPath(instanceName);
        if (Directory.Exists(staging))
            Directory.Delete(staging, recursive: true);
        Posix.CreateDirectory(staging, Posix.Dir0750);
    }

    /// <summary>Forgets an unfinished export (its staging directory); a complete older export stays.</summary>
    public void AbortExport(string instanceName)
    {
        var staging = StagingPath(instanceName);
        if (Directory.Exists(staging))
            Directory.Delete(staging, recursive: true);
    }

    /// <summary>Receives one disk's data from another node into the staging directory of an export.</summary>
    public async Task<TransferResult> ReceiveDumpAsync(string instanceName, int index, DiskStreamListener listener, string secret,
        TimeSpan acceptTimeout, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var staging = StagingPath(instanceName);
        if (!Directory.Exists(staging))
            throw GanetiException.WrongState($"No export of {instanceName} is being received on this node");
        var file = Path.Combine(staging, string.Format(CultureInfo.InvariantCulture, DumpPattern, index));
        await using var f = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
        var (_, result) = await listener.ReceiveAsync(f, secret, acceptTimeout, progress, cancellationToken).ConfigureAwait(false);
        f.Flush(flushToDisk: true);
        return result;
    }

    /// <summary>
    /// Completes an export received from another node: checks every expected dump is there,
    /// writes config.ini, and puts the export under its final name (replacing an older one).
    /// </summary>
    public async Task<string> FinalizeExportAsync(InstanceSpec instance, string diskTemplate, string sourceNode, IReadOnlyList<bool> exported,
        CancellationToken cancellationToken)
    {
        var staging = StagingPath(instance.Name);
        if (!Directory.Exists(staging))
            throw GanetiException.WrongState($"No export of {instance.Name} is being received on this node");
        if (exported.Count != instance.Disks.Count)
            throw GanetiException.WrongInput($"Export of {instance.Name}: {exported.Count} disk flags for {instance.Disks.Count} disks");
        var dumps = new List<ExportConfig.DiskDump>();
        for (var i = 0; i < instance.Disks.Count; i++)
        {
            var name = string.Format(CultureInfo.InvariantCulture, DumpPattern, i);
            if (exported[i] && !File.Exists(Path.Combine(staging, name)))
                throw GanetiException.Exec($"Export of {instance.Name}: the data of disk {i} never arrived");
            if (!exported[i])
                File.Delete(Path.Combine(staging, name)); // a receiver may have been started for a disk that sent nothing (swap)
            dumps.Add(new ExportConfig.DiskDump(exported[i] ? name : null, instance.Disks[i].SizeMiB));
        }
        // Compression is on the wire only: the dumps are stored as the disk data itself.
        await WriteConfigAsync(staging, ExportConfig.Create(instance, sourceNode, diskTemplate, dumps, StreamCompression.None, DateTimeOffset.UtcNow),
            cancellationToken).ConfigureAwait(false);
        var final = ExportPath(instance.Name);
        if (Directory.Exists(final))
            Directory.Delete(final, recursive: true);
        Directory.Move(staging, final);
        return final;
    }

    /// <summary>Streams one disk dump of an export on this node to a listening node; null when the export has no dump for it (swap).</summary>
    public async Task<TransferResult?> SendDumpAsync(string exportName, int index, string host, int port, string secret, string compression,
        IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var dir = ExportPath(exportName);
        var config = ReadConfig(dir);
        var dump = config.Get("instance", $"disk{index}_dump");
        if (dump is null)
            return null;
        if (dump.Contains('/'))
            throw GanetiException.WrongInput($"Invalid dump name '{dump}' in {dir}");
        await using var f = new FileStream(Path.Combine(dir, dump), FileMode.Open, FileAccess.Read);
        // A dump stored compressed is unpacked here: the stream carries the disk data, packed for the wire as asked.
        var stored = StoredCompression(config);
        await using var data = StreamCompression.Decompress(stored, f);
        var header = new DiskStream.Header(compression, stored == StreamCompression.None ? f.Length : null, $"{exportName}/disk{index}");
        return await DiskStreamSender.SendAsync(host, port, data, secret, header, progress, cancellationToken).ConfigureAwait(false);
    }

    private static string DiskPath(InstanceSpec instance, int index)
    {
        if (index < 0 || index >= instance.Disks.Count)
            throw GanetiException.WrongInput($"Instance {instance.Name} has no disk {index}");
        return instance.Disks[index].Path
            ?? throw GanetiException.WrongState($"Disk {index} of {instance.Name} is not assembled on this node");
    }

    private static FileStream OpenDisk(string path, FileAccess access) =>
        new(path, new FileStreamOptions { Mode = FileMode.Open, Access = access, Share = FileShare.ReadWrite, BufferSize = 0 });

    private static long DiskCapacity(string path) =>
        Posix.IsBlockDevice(path) ? BlockDevices.SizeBytes(path) : new FileInfo(path).Length;
}
