namespace Ganeti.NodeHelpers.Storage;

/// <summary>
/// Where an assembled disk is: a path a hypervisor or OS script can open (block device or
/// image file), optionally a URI for userspace access (qemu's rbd:, gluster:), and the image
/// format (raw unless the file driver made a qcow2 image).
/// </summary>
public sealed record AttachedDisk(string Path, string? Uri, string Format = "raw")
{
    public bool IsBlockDevice => Path.StartsWith("/dev/", StringComparison.Ordinal);
}
