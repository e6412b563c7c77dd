namespace Ganeti.NodeHelpers.ImportExport;

/// <summary>Progress of a disk stream: bytes of disk data moved so far, of how many (when known), and the rate.</summary>
public sealed record TransferProgress(long Bytes, long? TotalBytes, TimeSpan Elapsed)
{
    public double MiBPerSecond => Elapsed.TotalSeconds > 0 ? Bytes / 1048576.0 / Elapsed.TotalSeconds : 0;
    public double? Percent => TotalBytes is > 0 ? 100.0 * Bytes / TotalBytes.Value : null;
}
