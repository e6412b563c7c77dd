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

    /// <summary>Every HTS_ key and its value, sorted.</summary>
    private static SortedDictionary<string, string> Keys(string output)
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var l in output.Split('\n'))
        {
            int eq = l.IndexOf('=', StringComparison.Ordinal);
            if (l.StartsWith("HTS_", StringComparison.Ordinal) && eq > 0) d[l[..eq]] = l[(eq + 1)..];
        }
        return d;
    }

    private static readonly string[][] OptionSets =
    {
        Array.Empty<string>(), new[] { "-p" }, new[] { "--tiered-alloc", "4096,512,2" }, new[] { "--standard-alloc", "10240,1024,1" },
    };

    private (SortedDictionary<string, string> Theirs, SortedDictionary<string, string> Ours) BothKeys(ClusterShape shape, string template, string[] extra)
    {
        var file = Path.Combine(_dir, shape + ".txt");
        File.WriteAllText(file, ClusterGenerator.Generate(shape));
        var args = new[] { "-t", file, "--machine-readable", "--disk-template", template }.Concat(extra).ToArray();
        var theirs = GanetiTools.Run("hspace", args);
        var ours = GanetiTools.RunOurs("hspace", args);
        Assert.True(theirs.Code == ours.Code, $"hspace exited {theirs.Code} ({theirs.Err.Trim()}), ours {ours.Code} ({ours.Err.Trim()})");
        return (Keys(theirs.Out), Keys(ours.Out));
    }

    [Theory]
    [MemberData(nameof(HbalComparisonTests.Shapes), MemberType = typeof(HbalComparisonTests))]
    public void GeneratedClustersGiveHspacesKeySet(string shapeJson)
    {
        var shape = System.Text.Json.JsonSerializer.Deserialize<ClusterShape>(shapeJson)!;
        foreach (var t in new[] { "drbd", "plain", "diskless" })
            foreach (var extra in OptionSets)
            {
                var (theirs, ours) = BothKeys(shape, t, extra);
                Assert.Equal(string.Join(" ", theirs.Keys), string.Join(" ", ours.Keys));
            }
    }

    /// <summary>Generated shapes and templates on which every key, tiered ones included, equals hspace's.</summary>
    public static TheoryData<string, string> FullyMatchingShapes()
    {
        var drbd = new List<ClusterShape>
        {
            new() { Nodes = 4, Instances = 8, Seed = 1 },
            new() { Nodes = 6, Instances = 20, OfflineNodes = 1, Seed = 3 },
            new() { Nodes = 6, Instances = 18, UnknownNodes = 1, Seed = 4 },
            new() { Nodes = 8, Instances = 30, ExclusionTags = true, Seed = 5 },
            new() { Nodes = 9, Instances = 30, LocationTags = true, ExclusionTags = true, Seed = 6 },
            new() { Nodes = 8, Instances = 24, GroupPolicies = true, Seed = 7 },
            new() { Nodes = 6, Instances = 16, OldFormat = true, Seed = 8 },
            new() { Nodes = 10, Instances = 50, DrbdFraction = 0.8, OfflineNodes = 2, ExclusionTags = true, Seed = 9 },
            new() { Nodes = 12, Instances = 60, Skew = 1.0, Seed = 10 },
            new() { Nodes = 5, Instances = 15, NodeMemory = 16384, Seed = 11 },
        };
        var data = new TheoryData<string, string>();
        foreach (var s in drbd) data.Add(System.Text.Json.JsonSerializer.Serialize(s), "drbd");
        foreach (var s in drbd.Where(s => s.Seed is 3 or 5 or 6 or 7 or 9 or 10 or 11))
            data.Add(System.Text.Json.JsonSerializer.Serialize(s), "plain");
        foreach (var s in drbd.Where(s => s.Seed is 3 or 7 or 9 or 10 or 11))
            data.Add(System.Text.Json.JsonSerializer.Serialize(s), "diskless");
        return data;
    }

    [Theory]
    [MemberData(nameof(FullyMatchingShapes))]
    public void GeneratedClustersGiveHspacesEveryKey(string shapeJson, string template)
    {
        var shape = System.Text.Json.JsonSerializer.Deserialize<ClusterShape>(shapeJson)!;
        foreach (var extra in OptionSets)
        {
            var (theirs, ours) = BothKeys(shape, template, extra);
            Assert.Equal(string.Join("\n", theirs.Select(kv => kv.Key + "=" + kv.Value)), string.Join("\n", ours.Select(kv => kv.Key + "=" + kv.Value)));
        }
    }

    [Fact]
    public void AnAlreadyNonN1ClusterTakesNothingAndReportsOneN1Failure()
    {
        // Group policies shrink the vcpu ratio; this generated cluster starts with a node that is not N+1 happy.
        var shape = new ClusterShape { Nodes = 8, Instances = 24, GroupPolicies = true, Seed = 7 };
        var (theirs, ours) = BothKeys(shape, "drbd", Array.Empty<string>());
        Assert.Equal("1", theirs["HTS_ALLOC_FAILN1_CNT"]);
        Assert.Equal(theirs["HTS_ALLOC_FAILN1_CNT"], ours["HTS_ALLOC_FAILN1_CNT"]);
        Assert.False(ours.ContainsKey("HTS_ALLOC_FAILMEM_CNT"));
        Assert.Equal("0", ours["HTS_ALLOC_INSTANCES"]);
    }

    [Fact]
    public void InstancesUseThePolicysStandardSpindlesWhateverTheSpecSays()
    {
        // Two empty nodes with one spindle each and a spindle ratio of 32: 64 plain instances of
        // one spindle fit, also when the spec asks for twelve (as hspace counts them); sizes with units.
        var file = Path.Combine(_dir, "spindles.txt");
        File.WriteAllText(file, Crafted("65536,2097152,32", "65536,2097152,32"));
        foreach (var spec in new[] { "1024,128,1,12", "1024,128,1,1", "1G,128m,1", "1g,128M,1", "1t,1T,1" })
        {
            var args = new[] { "-t", file, "--machine-readable", "--disk-template", "plain", "--standard-alloc", spec };
            var theirs = Keys(GanetiTools.Run("hspace", args).Out);
            var ours = Keys(GanetiTools.RunOurs("hspace", args).Out);
            Assert.Equal(theirs["HTS_ALLOC_INSTANCES"], ours["HTS_ALLOC_INSTANCES"]);
            Assert.Equal(theirs["HTS_SPEC_SPN"], ours["HTS_SPEC_SPN"]);
            Assert.Equal(theirs["HTS_SPEC_DSK"], ours["HTS_SPEC_DSK"]);
        }
    }

    [Fact]
    public void ABadSpecIsAClearError()
    {
        var file = Path.Combine(_dir, "two.txt");
        File.WriteAllText(file, Crafted("4096,102400,8", "4096,102400,8"));
        foreach (var bad in new[] { "10x,512,1", "2.5g,512,1", "1024,512" })
        {
            var ours = GanetiTools.RunOurs("hspace", "-t", file, "--standard-alloc", bad);
            Assert.NotEqual(0, ours.Code);
            Assert.Contains("--standard-alloc", ours.Err, StringComparison.Ordinal);
        }
    }
}
