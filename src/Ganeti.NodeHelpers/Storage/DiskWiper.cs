using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage;

/// <summary>
/// Ganeti's blockdev_wipe: overwrites a range of an assembled disk (file or block device)
/// with zeros, so that a new instance cannot read a previous tenant's data.
/// </summary>
public static class DiskWiper
{
    private const int Chunk = 1 << 20;

    /// <summary>Zeroes [offset, offset+size) MiB of path and syncs; returns bytes written.</summary>
    public static async Task<long> WipeAsync(string path, long offsetMiB, long sizeMiB, IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        if (offsetMiB < 0 || sizeMiB < 0)
            throw GanetiException.WrongInput($"Invalid wipe range: offset {offsetMiB} MiB, size {sizeMiB} MiB");
        var zeros = new byte[Chunk];
        await using var f = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite,
            BufferSize = 0,
        });
        long end = (offsetMiB + sizeMiB) * Chunk;
        var deviceSize = f.Length > 0 ? f.Length : end;
        if (end > deviceSize)
            throw GanetiException.WrongInput(
                $"Cannot wipe {path} up to {end / Chunk} MiB: it holds only {deviceSize / Chunk} MiB");
        f.Position = offsetMiB * Chunk;
        long written = 0;
        while (f.Position < end)
        {
            var n = (int)Math.Min(Chunk, end - f.Position);
            await f.WriteAsync(zeros.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
            written += n;
            progress?.Report(written);
        }
        f.Flush(flushToDisk: true);
        return written;
    }
}
