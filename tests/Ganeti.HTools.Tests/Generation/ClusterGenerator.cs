using System.Globalization;
using System.Text;

namespace Ganeti.HTools.Tests.Generation;

/// <summary>
/// Generates htools text files of a given shape: plain and drbd instances, offline and
/// unknown nodes, exclusion and location tags, group policies. Node free memory and disk
/// agree with the instances placed on them, as on a real cluster.
/// </summary>
public static class ClusterGenerator
{
    public static string Generate(ClusterShape shape)
    {
        var rnd = new Random(shape.Seed);
        var inv = CultureInfo.InvariantCulture;
        int nn = shape.Nodes;
        var groupOf = new int[nn];
        for (int i = 0; i < nn; i++) groupOf[i] = i * shape.Groups / nn;
        var usedMem = new int[nn];
        var usedDsk = new int[nn];
        var reserved = new int[nn];
        var vcpus = new int[nn];
        bool[] offline = new bool[nn];
        bool[] unknown = new bool[nn];
        for (int k = 0; k < shape.OfflineNodes && k < nn; k++) offline[nn - 1 - k] = true;
        for (int k = 0; k < shape.UnknownNodes && k + shape.OfflineNodes < nn; k++) unknown[nn - 1 - shape.OfflineNodes - k] = true;
        int nodeOs = 1024;
        int capacity = shape.NodeMemory - nodeOs;

        int PickNode(int group, int exclude)
        {
            var cands = Enumerable.Range(0, nn).Where(i => groupOf[i] == group && i != exclude && !unknown[i]).ToList();
            if (cands.Count == 0) return -1;
            // Skew: prefer low-numbered nodes.
            for (int attempt = 0; attempt < 20; attempt++)
            {
                double u = rnd.NextDouble();
                int pos = (int)(Math.Pow(u, 1 + 3 * shape.Skew) * cands.Count);
                int c = cands[Math.Min(pos, cands.Count - 1)];
                if (usedMem[c] + 8192 < capacity * 0.9) return c;
            }
            return cands.OrderBy(c => usedMem[c]).First();
        }

        var instLines = new List<string>();
        string[] exTagValues = { "web", "db", "cache" };
        for (int i = 0; i < shape.Instances; i++)
        {
            int group = i % shape.Groups;
            bool drbd = rnd.NextDouble() < shape.DrbdFraction;
            int mem = 512 * rnd.Next(2, 17);
            int dsk = 1024 * rnd.Next(5, 101);
            int cpu = rnd.Next(1, 5);
            int p = PickNode(group, -1);
            if (p < 0) continue;
            int s = drbd ? PickNode(group, p) : -1;
            if (drbd && s < 0) drbd = false;
            string status = shape.DownInstances && rnd.NextDouble() < 0.1
                ? (rnd.NextDouble() < 0.5 ? "ADMIN_down" : "ADMIN_offline") : "running";
            bool running = status == "running";
            if (running) usedMem[p] += mem;
            usedDsk[p] += dsk;
            vcpus[p] += status == "ADMIN_offline" ? 0 : cpu;
            if (drbd) { usedDsk[s] += dsk; reserved[s] += mem; }
            var tags = new List<string>();
            if (shape.ExclusionTags && rnd.NextDouble() < 0.5) tags.Add("service:" + exTagValues[rnd.Next(exTagValues.Length)]);
            string autoBal = rnd.NextDouble() < 0.95 ? "Y" : "N";
            string name = $"inst{i + 1}.example.com";
            var f = new List<string>
            {
                name, mem.ToString(inv), dsk.ToString(inv), cpu.ToString(inv), status, autoBal,
                $"node{p + 1}.example.com", drbd ? $"node{s + 1}.example.com" : "", drbd ? "drbd" : "plain",
                string.Join(",", tags),
            };
            if (!shape.OldFormat) f.AddRange(new[] { "1", "-", "N" });
            instLines.Add(string.Join("|", f));
        }

        var sb = new StringBuilder();
        for (int g = 0; g < shape.Groups; g++)
            sb.Append($"group{g + 1}|uuid-group-{g + 1}|preferred||\n");
        sb.Append('\n');
        for (int i = 0; i < nn; i++)
        {
            string name = $"node{i + 1}.example.com";
            string flag = offline[i] ? "Y" : i == 0 ? "M" : "N";
            string guuid = $"uuid-group-{groupOf[i] + 1}";
            if (unknown[i])
            {
                sb.Append($"{name}|?|?|?|?|?|?|Y|{guuid}|1||N|0|1|1.0\n");
                continue;
            }
            int fmem = shape.NodeMemory - nodeOs - usedMem[i];
            int fdsk = shape.NodeDisk - usedDsk[i];
            var tags = new List<string>();
            if (shape.LocationTags) tags.Add($"rack:r{i % 3 + 1}");
            if (shape.OldFormat)
                sb.Append(string.Join("|", name, shape.NodeMemory, nodeOs, fmem, shape.NodeDisk, fdsk, shape.NodeCpus, flag, guuid)).Append('\n');
            else
                sb.Append(string.Join("|", name, shape.NodeMemory, nodeOs, fmem, shape.NodeDisk, fdsk, shape.NodeCpus, flag, guuid,
                    "1", string.Join(",", tags), "N", "0", "1", "1.0")).Append('\n');
        }
        sb.Append('\n');
        foreach (var l in instLines) sb.Append(l).Append('\n');
        sb.Append('\n');
        if (shape.ExclusionTags) sb.Append("htools:iextags:service\n");
        if (shape.LocationTags) sb.Append("htools:nlocation:rack\n");
        sb.Append('\n');
        if (!shape.OldFormat)
        {
            sb.Append("|128,1,1024,1,1,1|128,1,1024,1,1,1;32768,8,1048576,16,8,12|diskless,file,sharedfile,plain,blockdev,drbd,rbd,ext,gluster|4.0|32.0\n");
            for (int g = 0; g < shape.Groups; g++)
            {
                string ratio = shape.GroupPolicies && g % 2 == 0 ? "2.5" : "4.0";
                sb.Append($"group{g + 1}|128,1,1024,1,1,1|128,1,1024,1,1,1;32768,8,1048576,16,8,12|diskless,file,sharedfile,plain,blockdev,drbd,rbd,ext,gluster|{ratio}|32.0\n");
            }
        }
        return sb.ToString();
    }
}
