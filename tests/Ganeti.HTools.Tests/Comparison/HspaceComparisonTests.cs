using System.Text;
using Ganeti.HTools.Tests.Generation;

namespace Ganeti.HTools.Tests.Comparison;

/// <summary>
/// Runs Ganeti's hspace and ours with --machine-readable on the same files and compares the
/// output: the instance counts, tiers and exit code on small crafted clusters that isolate
/// one rule of the cluster-wide N+1 check each, every key on crafted cluster states and on
/// generated clusters.
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
            // Another node's evacuation takes the vcpu ratio as no limit: the tiered run ends
            // with 32768=3 32704=1 and the standard one when the vcpus run out (FailCPU).
            ["four-64g"] = new[] { "65536,2097152,32", "65536,2097152,32", "65536,2097152,32", "65536,2097152,32" },
            // An offline node takes evacuated instances.
            ["three-one-offline"] = new[] { "4096,102400,8", "4096,102400,8", "4096,102400,8,offline" },
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

    public static TheoryData<string, string> GeneratedShapesAndTemplates()
    {
        var data = new TheoryData<string, string>();
        foreach (string json in HbalComparisonTests.Shapes())
            foreach (var t in new[] { "drbd", "plain", "diskless" })
                data.Add(json, t);
        return data;
    }

    [Theory]
    [MemberData(nameof(GeneratedShapesAndTemplates))]
    public void GeneratedClustersGiveHspacesEveryKey(string shapeJson, string template)
    {
        var shape = System.Text.Json.JsonSerializer.Deserialize<ClusterShape>(shapeJson)!;
        foreach (var extra in OptionSets)
        {
            var (theirs, ours) = BothKeys(shape, template, extra);
            string Show(SortedDictionary<string, string> keys) => string.Join("\n", keys.Select(kv => kv.Key + "=" + kv.Value));
            Assert.Equal(Show(theirs), Show(ours));
        }
    }

    /// <summary>
    /// A one-group cluster of nodes "name,memory,disk" holding instances
    /// "name,memory,disk,node,auto_balance[,template]" (of the given template unless they name
    /// theirs); free memory and disk are what the instances leave.
    /// </summary>
    private static string CraftedState(string[] nodes, string[] instances, string template)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var usedMem = new Dictionary<string, int>();
        var usedDsk = new Dictionary<string, int>();
        var il = new StringBuilder();
        foreach (var i in instances)
        {
            var f = i.Split(',');
            var own = f.Length > 5 ? f[5] : template;
            usedMem[f[3]] = usedMem.GetValueOrDefault(f[3]) + int.Parse(f[1], inv);
            if (own != "diskless") usedDsk[f[3]] = usedDsk.GetValueOrDefault(f[3]) + int.Parse(f[2], inv);
            il.Append($"{f[0]}|{f[1]}|{f[2]}|1|running|{f[4]}|{f[3]}||{own}||1|-|N\n");
        }
        var sb = new StringBuilder("group1|uuid-group-1|preferred||\n\n");
        foreach (var n in nodes)
        {
            var f = n.Split(',');
            int mem = int.Parse(f[1], inv), dsk = int.Parse(f[2], inv);
            sb.Append($"{f[0]}|{mem}|0|{mem - usedMem.GetValueOrDefault(f[0])}|{dsk}|{dsk - usedDsk.GetValueOrDefault(f[0])}|8|N|uuid-group-1|1||N|0|1|1.0\n");
        }
        sb.Append('\n').Append(il).Append("\n\n|").Append(Policy).Append('\n');
        sb.Append("group1|").Append(Policy).Append('\n');
        return sb.ToString();
    }

    private const string Four64 = "node1,65536,2097152 node2,65536,2097152 node3,65536,2097152 node4,65536,2097152";
    private const string ThreeBig = "b,32768,1048576,node2,Y c,32768,1048576,node3,Y d,32768,1048576,node4,Y";

    /// <summary>Name, nodes, instances, template and the standard spec (disk,memory,cpus) of each crafted state.</summary>
    public static TheoryData<string, string, string, string, string> CraftedStates() => new()
    {
        // Evacuating node2 moves its newest instance first, to the node where the score is
        // best (node1, the one with the most room), which then has no room left for the older
        // 32768 MB one: no new instance of any size keeps the cluster N+1 redundant.
        { "newest-first", Four64, "a,32704,0,node1,Y " + ThreeBig, "diskless", "1024,1024,1" },
        // The same with a new 32704 MB instance beside each 32768 MB one: one fits as diskless,
        // three as file or plain instances, whose evacuation moves the largest memory first.
        { "diskless-newest-first", Four64, ThreeBig, "diskless", "1048576,32704,8" },
        { "file-largest-first", Four64, ThreeBig, "file", "1048576,32704,8" },
        { "plain-largest-first", Four64, ThreeBig, "plain", "1048320,32704,8" },
        // No node has room for the plain instance of node1 if node1 fails: no plain instance
        // fits, but drbd ones do, as long as every node whose drbd instances could fail over
        // still can.
        { "stuck-plain-then-plain", "node1,32768,2097152 node2,16384,2097152 node3,16384,2097152", "big,20000,20480,node1,Y,plain", "plain", "1024,1024,1" },
        { "stuck-plain-then-drbd", "node1,32768,2097152 node2,16384,2097152 node3,16384,2097152", "big,20000,20480,node1,Y,plain", "drbd", "1024,1024,1" },
        // An instance that is not auto-balanced must still find room when its node fails.
        { "not-auto-balanced", "node1,16384,102400 node2,8192,102400", "big,12288,0,node1,N", "diskless", "1024,1024,1" },
        // 307 MB of 2560: a memory efficiency of 0.119921875, which Ganeti prints as 0.11992188.
        { "rounding", "node1,2560,102400", "i1,307,0,node1,Y", "diskless", "1024,1024,1" },
    };

    [Theory]
    [MemberData(nameof(CraftedStates))]
    public void CraftedStatesGiveHspacesEveryKey(string name, string nodes, string instances, string template, string spec)
    {
        var file = Path.Combine(_dir, name + ".txt");
        File.WriteAllText(file, CraftedState(nodes.Split(' '), instances.Split(' '), template));
        var args = new[] { "-t", file, "--machine-readable", "--disk-template", template, "--standard-alloc", spec };
        var theirs = GanetiTools.Run("hspace", args);
        var ours = GanetiTools.RunOurs("hspace", args);
        Assert.True(theirs.Code == ours.Code, $"hspace exited {theirs.Code} ({theirs.Err.Trim()}), ours {ours.Code} ({ours.Err.Trim()})");
        Assert.Equal(string.Join("\n", Keys(theirs.Out).Select(kv => kv.Key + "=" + kv.Value)),
            string.Join("\n", Keys(ours.Out).Select(kv => kv.Key + "=" + kv.Value)));
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
