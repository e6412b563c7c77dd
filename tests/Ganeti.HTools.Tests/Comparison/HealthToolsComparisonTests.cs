using Ganeti.HTools.Tests.Generation;

namespace Ganeti.HTools.Tests.Comparison;

/// <summary>
/// Runs Ganeti's hroller, hinfo and hcheck and ours on the same generated files (the shapes of
/// <see cref="HbalComparisonTests.Shapes"/>, plus multi-group and plain-heavy ones) and
/// compares standard output, standard error and the exit code byte for byte.
/// </summary>
public sealed class HealthToolsComparisonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("health-cmp").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>The hbal shapes and a few more: several groups, location tags, plain-heavy clusters.</summary>
    public static TheoryData<string> Shapes()
    {
        var data = new TheoryData<string>();
        foreach (string shape in HbalComparisonTests.Shapes()) data.Add(shape);
        var more = new[]
        {
            new ClusterShape { Nodes = 12, Instances = 40, Groups = 2, LocationTags = true, Seed = 41 },
            new ClusterShape { Nodes = 10, Instances = 40, Groups = 2, DrbdFraction = 0.7, OfflineNodes = 1, UnknownNodes = 1, ExclusionTags = true, LocationTags = true, Seed = 42 },
            new ClusterShape { Nodes = 9, Instances = 30, DrbdFraction = 0.3, NodeMemory = 32768, Seed = 43 },
            new ClusterShape { Nodes = 7, Instances = 20, DrbdFraction = 0.5, OfflineNodes = 1, NodeMemory = 32768, Seed = 44 },
        };
        foreach (var s in more) data.Add(System.Text.Json.JsonSerializer.Serialize(s));
        return data;
    }

    private string Write(string shapeJson, string tag)
    {
        var shape = System.Text.Json.JsonSerializer.Deserialize<ClusterShape>(shapeJson)!;
        var file = Path.Combine(_dir, $"{shape}-{tag}.txt");
        File.WriteAllText(file, ClusterGenerator.Generate(shape));
        return file;
    }

    private static void AssertSame(string tool, string file, params string[] options)
    {
        var args = new[] { "-t", file }.Concat(options).ToArray();
        var theirs = GanetiTools.Run(tool, args);
        var ours = GanetiTools.RunOurs(tool, args);
        string what = $"{tool} {string.Join(" ", options)} on {Path.GetFileName(file)}";
        Assert.True(theirs.Out == ours.Out, $"{what}: standard output differs\n--- Ganeti\n{theirs.Out}--- ours\n{ours.Out}");
        Assert.True(theirs.Err == ours.Err, $"{what}: standard error differs\n--- Ganeti\n{theirs.Err}--- ours\n{ours.Err}");
        Assert.True(theirs.Code == ours.Code, $"{what}: exit code {ours.Code}, Ganeti's {theirs.Code}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void HrollerPrintsGanetisRebootGroups(string shapeJson)
    {
        var file = Write(shapeJson, "hroller");
        foreach (var options in new[]
                 {
                     new[] { "-v", "-v" }, new[] { "--offline-maintenance", "-v" }, new[] { "--ignore-non-redundant" },
                     new[] { "--skip-non-redundant" }, new[] { "--one-step-only" }, new[] { "--no-headers" },
                     new[] { "--node-tags", "rack:r2" }, new[] { "-G", "group1" }, new[] { "-O", "node2" },
                     new[] { "--print-moves" }, new[] { "--print-moves", "--one-step-only", "--ignore-non-redundant" },
                 })
            AssertSame("hroller", file, options);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void HinfoPrintsGanetisSummary(string shapeJson)
    {
        var file = Write(shapeJson, "hinfo");
        foreach (var options in new[]
                 {
                     Array.Empty<string>(), new[] { "-v" }, new[] { "-v", "-v", "-v" }, new[] { "-q", "-p" },
                     new[] { "--print-instances", "-pname,pcnt,fmem" }, new[] { "-O", "node2" },
                 })
            AssertSame("hinfo", file, options);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void HcheckPrintsGanetisHealthAndSimulation(string shapeJson)
    {
        var file = Write(shapeJson, "hcheck");
        foreach (var options in new[]
                 {
                     Array.Empty<string>(), new[] { "--machine-readable" }, new[] { "--no-simulation" },
                     new[] { "--no-simulation", "--machine-readable" }, new[] { "--no-capacity-checks", "-q" },
                     new[] { "--machine-readable", "-l", "3", "--no-disk-moves" }, new[] { "--machine-readable", "--evac-mode", "-g", "0.5" },
                 })
            AssertSame("hcheck", file, options);
    }

    [Fact]
    public void HrollerAsksForTheMasterUnlessForced()
    {
        var file = Path.Combine(_dir, "nomaster.txt");
        File.WriteAllText(file, ClusterGenerator.Generate(new ClusterShape { Nodes = 5, Instances = 10, Seed = 51 }).Replace("|M|", "|N|"));
        AssertSame("hroller", file);
        AssertSame("hroller", file, "--force", "-v");
        AssertSame("hroller", file, "-G", "nosuchgroup");
        AssertSame("hroller", file, "--node-tags", "nosuchtag");
    }

    [Fact]
    public void HrollerRefusesGroupsWhoseNonRedundantInstancesCannotMove()
    {
        // Plain instances on nearly full nodes: no node can take another's instances.
        var file = Write(System.Text.Json.JsonSerializer.Serialize(new ClusterShape { Nodes = 5, Instances = 24, DrbdFraction = 0.3, NodeMemory = 16384, Seed = 116 }), "full");
        AssertSame("hroller", file);
        AssertSame("hroller", file, "--ignore-non-redundant");
    }

    [Fact]
    public void HrollerPrintsGanetisMovesWhereItsChoiceIsObserved()
    {
        foreach (var seed in new[] { 121, 131, 136 })
        {
            var shape = new ClusterShape { Nodes = 6 + seed % 3, Instances = 30, DrbdFraction = 0.5, OfflineNodes = 1, NodeMemory = 32768, Seed = seed };
            AssertSame("hroller", Write(System.Text.Json.JsonSerializer.Serialize(shape), "moves"), "--print-moves");
        }
    }
}
