using System.Runtime.InteropServices;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage;

/// <summary>Free and total space of the file system holding a path (statvfs).</summary>
public static class FileSystemSpace
{
    [StructLayout(LayoutKind.Sequential)]
    private struct StatVfs
    {
        public ulong Bsize;
        public ulong Frsize;
        public ulong Blocks;
        public ulong Bfree;
        public ulong Bavail;
        public ulong Files;
        public ulong Ffree;
        public ulong Favail;
        public ulong Fsid;
        public ulong Flag;
        public ulong Namemax;
        public int Spare0, Spare1, Spare2, Spare3, Spare4, Spare5;
    }

    [DllImport("libc", EntryPoint = "statvfs", SetLastError = true)]
    private static extern int NativeStatVfs([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out StatVfs buf);

    /// <summary>(total, available to unprivileged users) in bytes, for the nearest existing ancestor of path.</summary>
    public static (long Total, long Available) Of(string path)
    {
        var p = Path.GetFullPath(path);
        while (!Directory.Exists(p) && !System.IO.File.Exists(p))
            p = Path.GetDirectoryName(p) ?? "/";
        if (NativeStatVfs(p, out var s) != 0)
            throw GanetiException.Exec($"statvfs({p}) failed: errno {Marshal.GetLastPInvokeError()}");
        var frsize = s.Frsize == 0 ? s.Bsize : s.Frsize;
        return ((long)(s.Blocks * frsize), (long)(s.Bavail * frsize));
    }
}
