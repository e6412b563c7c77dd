using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage;

/// <summary>
/// Ganeti's blockdev_wipe: overwrites a range of an assembled disk (file or block device)
/// with zeros, so that a new instance cannot read a previous tenant's data.
/// </summary>
public static class DiskWiper
{
    private const int Chunk = 4 << 20;
    private const long MiB = 1 << 20;

    /// <summary>Zeroes [offset, offset+size) MiB of path and syncs; returns bytes written.</summary>
    public static Task<long> WipeAsync(string path, long offsetMiB, long sizeMiB, IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        if (offsetMiB < 0 || sizeMiB < 0)
            throw GanetiException.WrongInput($"Invalid wipe range: offset {offsetMiB} MiB, size {sizeMiB} MiB");
        // Plain positional writes on a worker thread: the async file path costs more than the I/O here.
        return Task.Run(() =>
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            var deviceSize = Posix.IsBlockDevice(path) ? BlockDevices.SizeBytes(path) : RandomAccess.GetLength(handle);
            var start = offsetMiB * MiB;
            var end = (offsetMiB + sizeMiB) * MiB;
            if (end > deviceSize)
                throw GanetiException.WrongInput($"Cannot wipe {path} up to {end / MiB} MiB: it holds only {deviceSize / MiB} MiB");
            var zeros = new byte[Chunk];
            for (var pos = start; pos < end;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var n = (int)Math.Min(Chunk, end - pos);
                RandomAccess.Write(handle, zeros.AsSpan(0, n), pos);
                pos += n;
                progress?.Report(pos - start);
            }
            using (var fs = new FileStream(handle, FileAccess.Write, 0))
                fs.Flush(flushToDisk: true);
            return end - start;
        }, cancellationToken);
    }
}
