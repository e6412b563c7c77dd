using System.Globalization;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage;

/// <summary>Facts about block devices read from /sys, without running anything.</summary>
public static class BlockDevices
{
    /// <summary>The device a path leads to (links followed), e.g. /dev/disk/by-id/x → /dev/loop3.</summary>
    public static string Resolve(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget is null ? path : Path.GetFullPath(info.ResolveLinkTarget(returnFinalTarget: true)!.FullName);
    }

    /// <summary>Size in bytes of a block device, from /sys/class/block/NAME/size (512-byte sectors).</summary>
    public static long SizeBytes(string path)
    {
        var dev = Resolve(path);
        if (!Posix.IsBlockDevice(dev))
            throw GanetiException.Exec($"{path} is not a block device");
        var sysSize = Path.Combine("/sys/class/block", Path.GetFileName(dev), "size");
        if (File.Exists(sysSize))
            return long.Parse(File.ReadAllText(sysSize).Trim(), CultureInfo.InvariantCulture) * 512;
        using var f = new FileStream(dev, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return f.Seek(0, SeekOrigin.End);
    }
}
