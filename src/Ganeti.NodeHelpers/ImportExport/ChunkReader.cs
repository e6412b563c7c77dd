namespace Ganeti.NodeHelpers.ImportExport;

/// <summary>Reads length-prefixed chunks back as one stream, ending at the zero-length mark.</summary>
internal sealed class ChunkReader(Stream inner) : Stream
{
    private int remaining;
    private bool ended;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (ended || buffer.Length == 0)
            return 0;
        if (remaining == 0)
        {
            remaining = await DiskStream.ReadU32(inner, cancellationToken).ConfigureAwait(false);
            if (remaining == 0)
            {
                ended = true;
                return 0;
            }
        }
        var n = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, remaining)], cancellationToken).ConfigureAwait(false);
        if (n == 0)
            throw Core.Errors.GanetiException.Exec("Disk stream ended early (connection lost or sender failed)");
        remaining -= n;
        return n;
    }

    /// <summary>Consumes what the decompressor did not need, up to the end mark.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
