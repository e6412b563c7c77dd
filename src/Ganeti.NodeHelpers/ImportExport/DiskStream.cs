using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.ImportExport;

/// <summary>
/// The wire format that moves one disk between nodes (export, import, instance move):
///
///   header   "GNTDISK1" + u32 length + JSON {compression, size, name}
///   chunks   u32 length + bytes of the compressed data, ..., then a zero length
///   trailer  u64 disk bytes + 32 bytes HMAC-SHA256 (key: the transfer's shared secret)
///            over the uncompressed disk data
///
/// The receiver writes the data as it arrives but reports success only when the length and
/// the HMAC match, so a truncated, corrupted or foreign stream is an error. The HMAC with a
/// per-transfer secret (as Ganeti's impexpd "magic") also keeps a stray connection from
/// writing onto a disk. The stream is not encrypted; run it over a private network or TLS.
/// </summary>
public static class DiskStream
{
    private static readonly byte[] Magic = "GNTDISK1"u8.ToArray();
    private const int ChunkSize = 1 << 20;

    public sealed record Header(string Compression, long? Size, string Name);

    public static async Task<TransferResult> SendAsync(Stream source, Stream wire, byte[] secret, Header header,
        IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        StreamCompression.Check(header.Compression);
        var watch = Stopwatch.StartNew();
        var headerJson = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["compression"] = header.Compression, ["size"] = header.Size, ["name"] = header.Name,
        });
        var counting = new CountingStream(wire);
        await counting.WriteAsync(Magic, cancellationToken).ConfigureAwait(false);
        await WriteU32(counting, headerJson.Length, cancellationToken).ConfigureAwait(false);
        await counting.WriteAsync(headerJson, cancellationToken).ConfigureAwait(false);

        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        var framer = new ChunkWriter(counting);
        long bytes = 0;
        await using (var compressor = StreamCompression.Compress(header.Compression, framer))
        {
            var buffer = new byte[ChunkSize];
            int n;
            var lastReport = TimeSpan.Zero;
            while ((n = await ReadFullAsync(source, buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hmac.AppendData(buffer, 0, n);
                await compressor.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                bytes += n;
                if (progress is not null && watch.Elapsed - lastReport > TimeSpan.FromMilliseconds(250))
                {
                    lastReport = watch.Elapsed;
                    progress.Report(new TransferProgress(bytes, header.Size, watch.Elapsed));
                }
            }
            await compressor.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        await framer.FinishAsync(cancellationToken).ConfigureAwait(false);
        var trailer = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(trailer, bytes);
        await counting.WriteAsync(trailer, cancellationToken).ConfigureAwait(false);
        var mac = hmac.GetHashAndReset();
        await counting.WriteAsync(mac, cancellationToken).ConfigureAwait(false);
        await counting.FlushAsync(cancellationToken).ConfigureAwait(false);
        progress?.Report(new TransferProgress(bytes, header.Size, watch.Elapsed));
        return new TransferResult(bytes, counting.Count, Convert.ToHexStringLower(mac), watch.Elapsed);
    }

    public static async Task<(Header Header, TransferResult Result)> ReceiveAsync(Stream wire, Stream destination, byte[] secret,
        IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var counting = new CountingStream(wire);
        var magic = new byte[Magic.Length];
        await ReadExactAsync(counting, magic, cancellationToken).ConfigureAwait(false);
        if (!magic.AsSpan().SequenceEqual(Magic))
            throw GanetiException.Exec("Disk stream rejected: it does not start with the expected magic");
        var headerLength = await ReadU32(counting, cancellationToken).ConfigureAwait(false);
        if (headerLength > 65536)
            throw GanetiException.Exec("Disk stream rejected: header too large");
        var headerBytes = new byte[headerLength];
        await ReadExactAsync(counting, headerBytes, cancellationToken).ConfigureAwait(false);
        Header header;
        try
        {
            using var doc = JsonDocument.Parse(headerBytes);
            var root = doc.RootElement;
            header = new Header(root.GetProperty("compression").GetString()!,
                root.GetProperty("size").ValueKind == JsonValueKind.Number ? root.GetProperty("size").GetInt64() : null,
                root.GetProperty("name").GetString() ?? "");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw GanetiException.Exec($"Disk stream rejected: bad header ({e.Message})");
        }
        StreamCompression.Check(header.Compression);

        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        var chunks = new ChunkReader(counting);
        long bytes = 0;
        await using (var decompressor = StreamCompression.Decompress(header.Compression, chunks))
        {
            var buffer = new byte[ChunkSize];
            int n;
            var lastReport = TimeSpan.Zero;
            while ((n = await decompressor.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hmac.AppendData(buffer, 0, n);
                await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                bytes += n;
                if (progress is not null && watch.Elapsed - lastReport > TimeSpan.FromMilliseconds(250))
                {
                    lastReport = watch.Elapsed;
                    progress.Report(new TransferProgress(bytes, header.Size, watch.Elapsed));
                }
            }
        }
        await chunks.DrainAsync(cancellationToken).ConfigureAwait(false);
        var trailer = new byte[8 + 32];
        await ReadExactAsync(counting, trailer, cancellationToken).ConfigureAwait(false);
        var sentBytes = BinaryPrimitives.ReadInt64BigEndian(trailer);
        if (sentBytes != bytes)
            throw GanetiException.Exec($"Disk stream damaged: {bytes} bytes received, the sender sent {sentBytes}");
        var mac = hmac.GetHashAndReset();
        if (!CryptographicOperations.FixedTimeEquals(trailer.AsSpan(8), mac))
            throw GanetiException.Exec("Disk stream damaged or not from the expected sender: checksum mismatch");
        await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
        progress?.Report(new TransferProgress(bytes, header.Size, watch.Elapsed));
        return (header, new TransferResult(bytes, counting.Count, Convert.ToHexStringLower(mac), watch.Elapsed));
    }

    /// <summary>A fresh per-transfer secret, and its text form for RPC arguments.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static byte[] SecretBytes(string secret) => Encoding.UTF8.GetBytes(secret);

    private static async Task<int> ReadFullAsync(Stream s, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await s.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    internal static async Task ReadExactAsync(Stream s, byte[] buffer, CancellationToken ct)
    {
        try
        {
            await s.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            throw GanetiException.Exec("Disk stream ended early (connection lost or sender failed)");
        }
    }

    internal static async Task WriteU32(Stream s, int value, CancellationToken ct)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, (uint)value);
        await s.WriteAsync(b, ct).ConfigureAwait(false);
    }

    internal static async Task<int> ReadU32(Stream s, CancellationToken ct)
    {
        var b = new byte[4];
        await ReadExactAsync(s, b, ct).ConfigureAwait(false);
        var v = BinaryPrimitives.ReadUInt32BigEndian(b);
        if (v > int.MaxValue)
            throw GanetiException.Exec("Disk stream damaged: bad length");
        return (int)v;
    }
}
