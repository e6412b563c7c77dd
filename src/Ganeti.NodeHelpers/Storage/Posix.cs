using System.Runtime.InteropServices;

namespace Ganeti.NodeHelpers.Storage;

/// <summary>File modes for what we create on a node (the node side only runs on Linux).</summary>
internal static class Posix
{
    public const UnixFileMode Dir0750 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    public const UnixFileMode File0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode File0755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static void CreateDirectory(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, mode);
    }

    public static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, mode);
    }

    public static UnixFileMode GetMode(string path) =>
        OperatingSystem.IsWindows() ? UnixFileMode.None : File.GetUnixFileMode(path);

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int NativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buf);

    private const int SIfMt = 0xF000;
    private const int SIfReg = 0x8000;
    private const int SIfBlk = 0x6000;

    /// <summary>st_mode of path (links followed), or null when it does not exist. x86_64 and arm64 Linux layouts.</summary>
    public static int? StatMode(string path)
    {
        if (OperatingSystem.IsWindows())
            return File.Exists(path) ? SIfReg : null;
        var buf = new byte[256];
        if (NativeStat(path, buf) != 0)
            return null;
        // struct stat: x86_64 has dev(8) ino(8) nlink(8) mode(4); arm64 has dev(8) ino(8) mode(4).
        var offset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        return BitConverter.ToInt32(buf, offset);
    }

    public static bool IsRegularFile(string path) => StatMode(path) is int m && (m & SIfMt) == SIfReg;

    public static bool IsBlockDevice(string path) => StatMode(path) is int m && (m & SIfMt) == SIfBlk;
}
