namespace Ganeti.Remoting.NodeRpc;

/// <summary>
/// Reads newline-terminated frames from a stream without trusting the peer: a frame longer than
/// the limit is an error instead of unbounded buffering.
/// </summary>
public sealed class JsonLineReader(Stream stream, int maxFrameBytes)
{
    private byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;

    /// <summary>Bytes read so far that did not end in a newline when the stream ended.</summary>
    public int TrailingBytes { get; private set; }

    /// <summary>The next frame without its newline, or null at the end of the stream.</summary>
    /// <remarks>The returned memory is valid until the next call.</remarks>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var nl = buffer.AsSpan(start + scanned, end - start - scanned).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                var frame = new ReadOnlyMemory<byte>(buffer, start, scanned + nl);
                start += scanned + nl + 1;
                return frame;
            }
            scanned = end - start;
            if (scanned > maxFrameBytes)
                throw new InvalidDataException($"frame longer than {maxFrameBytes} bytes");
            if (end == buffer.Length)
            {
                if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }
                else
                    Array.Resize(ref buffer, buffer.Length * 2);
            }
            var n = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                TrailingBytes = end - start;
                return null;
            }
            end += n;
        }
    }
}
