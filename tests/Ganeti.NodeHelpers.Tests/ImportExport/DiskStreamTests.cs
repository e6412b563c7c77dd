using System.Net;
using System.Security.Cryptography;
using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.ImportExport;

namespace Ganeti.NodeHelpers.Tests.ImportExport;

public sealed class DiskStreamTests
{
    private static readonly byte[] Secret = DiskStream.SecretBytes("0123456789abcdef");

    private static byte[] Data(int size)
    {
        // Half random, half zeros: like a disk, and compressible.
        var d = new byte[size];
        new Random(7).NextBytes(d.AsSpan(0, size / 2));
        return d;
    }

    private static async Task<byte[]> Wire(byte[] data, string compression)
    {
        var wire = new MemoryStream();
        await DiskStream.SendAsync(new MemoryStream(data), wire, Secret, new DiskStream.Header(compression, data.Length, "t/disk0"), null, default);
        return wire.ToArray();
    }

    [Theory]
    [InlineData("none")]
    [InlineData("gzip")]
    [InlineData("gzip-fast")]
    [InlineData("gzip-slow")]
    public async Task Data_arrives_unchanged_with_its_checksum_and_compression_shrinks_the_wire(string compression)
    {
        var data = Data(3 << 20);
        var wire = await Wire(data, compression);
        var received = new MemoryStream();
        var reports = new List<TransferProgress>();
        var (header, result) = await DiskStream.ReceiveAsync(new MemoryStream(wire), received, Secret, new SyncProgress(reports), default);
        Assert.Equal(data, received.ToArray());
        Assert.Equal(compression, header.Compression);
        Assert.Equal(data.Length, result.Bytes);
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Secret, data)), result.Checksum);
        Assert.Equal(data.Length, reports[^1].Bytes);
        Assert.Equal(100.0, reports[^1].Percent);
        if (compression != "none")
            Assert.True(wire.Length < data.Length * 0.7, $"{wire.Length} bytes on the wire for {data.Length}");
    }

    [Fact]
    public async Task A_flipped_bit_a_cut_stream_and_a_foreign_secret_are_all_refused()
    {
        var data = Data(1 << 20);
        var wire = await Wire(data, "none");

        var flipped = (byte[])wire.Clone();
        flipped[wire.Length / 2] ^= 1;
        var e = await Assert.ThrowsAsync<GanetiException>(() => DiskStream.ReceiveAsync(new MemoryStream(flipped), new MemoryStream(), Secret, null, default));
        Assert.Contains("checksum mismatch", e.Message);

        e = await Assert.ThrowsAsync<GanetiException>(() => DiskStream.ReceiveAsync(new MemoryStream(wire[..(wire.Length - 100)]), new MemoryStream(), Secret, null, default));
        Assert.Contains("ended early", e.Message);

        e = await Assert.ThrowsAsync<GanetiException>(() => DiskStream.ReceiveAsync(new MemoryStream(wire), new MemoryStream(), DiskStream.SecretBytes("other"), null, default));
        Assert.Contains("checksum mismatch", e.Message);

        e = await Assert.ThrowsAsync<GanetiException>(() => DiskStream.ReceiveAsync(new MemoryStream("GET / HTTP/1.0\r\n\r\n"u8.ToArray()), new MemoryStream(), Secret, null, default));
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public async Task A_disk_crosses_tcp_between_a_listener_and_a_sender()
    {
        var data = Data(4 << 20);
        using var listener = new DiskStreamListener(IPAddress.Loopback);
        var received = new MemoryStream();
        var receive = listener.ReceiveAsync(received, "s3cret", TimeSpan.FromSeconds(20), null, default);
        var sent = await DiskStreamSender.SendAsync("127.0.0.1", listener.EndPoint.Port, new MemoryStream(data), "s3cret",
            new DiskStream.Header("gzip-fast", data.Length, "x"), null, default);
        var (_, result) = await receive;
        Assert.Equal(data, received.ToArray());
        Assert.Equal(sent.Checksum, result.Checksum);
        Assert.Equal(sent.WireBytes, result.WireBytes);
    }

    private sealed class SyncProgress(List<TransferProgress> reports) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => reports.Add(value);
    }
}
