using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Hypervisors;

/// <summary>Memory and CPU facts of the machine, read from /proc.</summary>
public static class HostFacts
{
    public static HvNodeInfo Read()
    {
        long totalKb = 0, availKb = 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal)) totalKb = ParseKb(line);
                else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)) availKb = ParseKb(line);
            }
        }
        catch (IOException)
        {
        }
        var cpus = Environment.ProcessorCount;
        return new HvNodeInfo
        {
            MemoryTotal = totalKb / 1024,
            MemoryFree = availKb / 1024,
            MemoryDom0 = (totalKb - availKb) / 1024,
            CpuTotal = cpus,
            CpuNodes = 1,
            CpuSockets = 1,
            CpuDom0 = cpus,
        };
    }

    private static long ParseKb(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && long.TryParse(parts[1], out var v) ? v : 0;
    }
}
