using System.Text;
using Ganeti.HTools.Tests.Generation;

namespace Ganeti.HTools.Tests.Comparison;

/// <summary>
/// Runs Ganeti's hspace and ours with --machine-readable on the same files and compares the
/// instance counts (standard and tiered), the tiers and the exit code: on small crafted
/// clusters that isolate one rule of the cluster-wide N+1 check each, and on generated ones.
/// </summary>
public sealed class HspaceComparisonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hspace-cmp").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private const string Policy = "128,1,1024,1,1,1|128,1,1024,1,1,1;32768,8,1048576,16,8,12|"
        + "diskless,file,sharedfile,plain,blockdev,drbd,rbd,ext,gluster|4.0|32.0";

    /// <summary>A one-group cluster of empty nodes, each "memory,disk,cpus[,offline]".</summary>
    private static string Crafted(params string[] nodes)
    {
        var sb = new StringBuilder("group1|uuid-group-1|preferred||\n\n");
        for (int k = 0; k < nodes.Length; k++)
        {
            var f = nodes[k].Split(',');
            bool offline = f.Length > 3 && f[3] == "offline";
            sb.Append($"node{k + 1}|{f[0]}|0|{f[0]}|{f[1]}|{f[1]}|{f[2]}|{(offline ? "Y" : "N")}|uuid-group-1|1||N|0|1|1.0\n");
        }
        sb.Append("\n\n\n|").Append(Policy).Append('\n');
        sb.Append("group1|").Append(Policy).Append('\n');
        return sb.ToString();
    }

    public static TheoryData<string, string> CraftedCases()
    {
        var data = new TheoryData<string, string>();
        var clusters = new Dictionary<string, string[]>
        {
            ["one"] = new[] { "4096,102400,8" },
            ["two"] = new[] { "4096,102400,8", "4096,102400,8" },
            ["two-one-offline"] = new[] { "4096,102400,8", "4096,102400,8,offline" },
            ["three"] = new[] { "4096,102400,8", "4096,102400,8", "4096,102400,8" },
            ["uneven"] = new[] { "8192,102400,8", "4096,102400,8" },
            ["uneven3"] = new[] { "8192,102400,8", "4096,102400,8", "2048,102400,8" },
        };
        foreach (var (name, nodes) in clusters)
            foreach (var t in new[] { "diskless", "plain", "file", "drbd", "rbd", "sharedfile" })
                data.Add(name + ":" + string.Join(" ", nodes), t);
        return data;
    }

    /// <summary>The figures both must agree on, sorted so that the order of the lines does not matter.</summary>
    private static string Counts(string output)
        => string.Join("\n", output.Split('\n')
            .Where(l => l.StartsWith("HTS_", StringComparison.Ordinal))
            .Where(l => l.Contains("_INST_CNT=", StringComparison.Ordinal) || l.StartsWith("HTS_TSPEC=", StringComparison.Ordinal)
                        || l.StartsWith("HTS_ALLOC_INSTANCES=", StringComparison.Ordinal) || l.StartsWith("HTS_OK=", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal));

    private void Compare(string file, string template, bool tiered = true)
    {
        var args = new[] { "-t", file, "--machine-readable", "--disk-template", template };
        var theirs = GanetiTools.Run("hspace", args);
        var ours = GanetiTools.RunOurs("hspace", args);
        Assert.True(theirs.Code == ours.Code, $"hspace exited {theirs.Code} ({theirs.Err.Trim()}), ours {ours.Code} ({ours.Err.Trim()})");
        string Pick(string o) => tiered ? Counts(o)
            : string.Join("\n", Counts(o).Split('\n').Where(l => !l.StartsWith("HTS_TRL_", StringComparison.Ordinal) && !l.StartsWith("HTS_TSPEC=", StringComparison.Ordinal)));
        Assert.Equal(Pick(theirs.Out), Pick(ours.Out));
    }

    [Theory]
    [MemberData(nameof(CraftedCases))]
    public void CraftedClustersGiveHspacesCounts(string cluster, string template)
    {
        var nodes = cluster[(cluster.IndexOf(':') + 1)..].Split(' ');
        var file = Path.Combine(_dir, cluster[..cluster.IndexOf(':')] + ".txt");
        File.WriteAllText(file, Crafted(nodes));
        Compare(file, template);
    }

    [Fact]
    public void TooFewOnlineNodesIsAnErrorAsInHspace()
    {
        var file = Path.Combine(_dir, "one.txt");
        File.WriteAllText(file, Crafted("4096,102400,8"));
        var ours = GanetiTools.RunOurs("hspace", "-t", file, "--machine-readable", "--disk-template", "drbd");
        Assert.Equal(1, ours.Code);
        Assert.Contains("Not enough online nodes", ours.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("HTS_OK", ours.Out, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HbalComparisonTests.Shapes), MemberType = typeof(HbalComparisonTests))]
    public void GeneratedClustersGiveHspacesStandardCounts(string shapeJson)
    {
        var shape = System.Text.Json.JsonSerializer.Deserialize<ClusterShape>(shapeJson)!;
        var file = Path.Combine(_dir, shape + ".txt");
        File.WriteAllText(file, ClusterGenerator.Generate(shape));
        foreach (var t in new[] { "drbd", "plain", "diskless" })
            Compare(file, t, tiered: false);
    }
}
