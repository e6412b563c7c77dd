using System.Runtime.InteropServices;

namespace Ganeti.Bench.Storage;

/// <summary>CPU time of this process and of the children it has reaped (getrusage).</summary>
internal static class ChildCpu
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UtimeSec, UtimeUsec, StimeSec, StimeUsec;
        public long Maxrss, Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out Rusage usage);

    public static TimeSpan Self() => Get(0);
    public static TimeSpan Children() => Get(-1);

    private static TimeSpan Get(int who)
    {
        getrusage(who, out var r);
        return TimeSpan.FromMicroseconds((r.UtimeSec + r.StimeSec) * 1_000_000 + r.UtimeUsec + r.StimeUsec);
    }
}
