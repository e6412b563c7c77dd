namespace Ganeti.NodeHelpers.ImportExport;

/// <summary>How a stream ended: disk bytes, bytes on the wire, the HMAC-SHA256 checksum of the disk data (the same at both ends) and the time taken.</summary>
public sealed record TransferResult(long Bytes, long WireBytes, string Checksum, TimeSpan Elapsed)
{
    public double MiBPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / 1048576.0 / Elapsed.TotalSeconds : 0;
}
