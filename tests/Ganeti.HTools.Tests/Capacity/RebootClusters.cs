using System.Text;
using Ganeti.HTools.Model;

namespace Ganeti.HTools.Tests.Capacity;

/// <summary>Small one-group clusters for the reboot-group tests.</summary>
internal static class RebootClusters
{
    /// <summary>
    /// A one-group cluster whose node k (n1 the master, index k-1) has freeMemory[k-1] MiB free,
    /// with 1024 MiB instances: drbd ones "p>s" and plain ones "p".
    /// </summary>
    public static ClusterData Build(int[] freeMemory, params string[] instances)
    {
        var sb = new StringBuilder("g1|uuid-g1|preferred||\n\n");
        for (int k = 1; k <= freeMemory.Length; k++)
            sb.Append($"n{k}|65536|1024|{freeMemory[k - 1]}|2097152|2000000|32|{(k == 1 ? "M" : "N")}|uuid-g1|1||N|0|1|1.0\n");
        sb.Append('\n');
        int i = 0;
        foreach (var spec in instances)
        {
            i++;
            var f = spec.Split('>');
            sb.Append(f.Length == 2
                ? $"i{i}|1024|10240|1|running|Y|n{f[0]}|n{f[1]}|drbd||1|-|N\n"
                : $"i{i}|1024|10240|1|running|Y|n{f[0]}||plain||1|-|N\n");
        }
        sb.Append("\n\n");
        return ClusterLoader.LoadText(sb.ToString());
    }

    public static List<int> All(ClusterData cd) => cd.Nodes.Select(n => n.Index).ToList();
}
