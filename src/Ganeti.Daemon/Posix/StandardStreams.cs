using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Ganeti.Daemon.Posix;

/// <summary>
/// Takes stdin and stdout for a protocol. The original descriptors move to new close-on-exec
/// descriptors, and 0 and 1 become /dev/null and stderr: a child process (an OS script, qemu)
/// can then neither read requests meant for us nor write into the answers, and a daemon child
/// cannot keep the SSH session open after we exit. Console.Out goes to stderr for the same reason.
/// </summary>
public static class StandardStreams
{
    private const int FdCloexecCmd = 1030; // F_DUPFD_CLOEXEC
    private const int ORdonly = 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int cmd, int arg);

    [DllImport("libc", SetLastError = true)]
    private static extern int dup2(int oldfd, int newfd);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi)]
    private static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    /// <summary>The protocol's input and output; afterwards nothing else in the process can use them.</summary>
    public static (Stream Input, Stream Output) TakeOver()
    {
        Console.Out.Flush();
        var input = Check(fcntl(0, FdCloexecCmd, 3), "dup stdin");
        var output = Check(fcntl(1, FdCloexecCmd, 3), "dup stdout");
        var devNull = Check(open("/dev/null", ORdonly), "open /dev/null");
        Check(dup2(devNull, 0), "dup2 stdin");
        close(devNull);
        Check(dup2(2, 1), "dup2 stdout");
        Console.SetOut(Console.Error);
        return (new FileStream(new SafeFileHandle(input, ownsHandle: true), FileAccess.Read, 1),
                new FileStream(new SafeFileHandle(output, ownsHandle: true), FileAccess.Write, 1));
    }

    private static int Check(int result, string what) =>
        result >= 0 ? result : throw new IOException($"{what}: errno {Marshal.GetLastPInvokeError()}");
}
