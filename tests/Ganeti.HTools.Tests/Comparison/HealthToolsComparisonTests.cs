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

    /// <summary>
    /// Compares Ganeti's tool with ours. hroller's full evacuations are compared with ours
    /// reproducing Ganeti's bug in replacing secondaries (the only step where ours deliberately
    /// differs), so everything else in those plans is still compared byte for byte; every other
    /// run is ours as the command line runs it.
    /// </summary>
    private static void AssertSame(string tool, string file, params string[] options)
    {
        var args = new[] { "-t", file }.Concat(options).ToArray();
        var theirs = GanetiTools.Run(tool, args);
        var ours = tool == "hroller" && options.Contains("--full-evacuation")
            ? GanetiTools.RunOursHrollerReproducingGanetiSlotBug(args)
            : GanetiTools.RunOurs(tool, args);
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
                     new[] { "--print-moves", "--skip-non-redundant" }, new[] { "--print-moves", "--node-tags", "rack:r2" },
                     new[] { "--print-moves", "-G", "group1" },
                     new[] { "--full-evacuation", "--print-moves" }, new[] { "--full-evacuation", "--ignore-non-redundant", "--print-moves" },
                     new[] { "--full-evacuation", "-v", "-v" },
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

    /// <summary>Generated clusters on which Ganeti's hroller finds full evacuation plans (most clusters fail to migrate).</summary>
    public static TheoryData<string> FullEvacuationShapes()
    {
        var data = new TheoryData<string>();
        var shapes = new[]
        {
            new ClusterShape { Nodes = 9, Instances = 14, DrbdFraction = 0.3, LocationTags = true, Seed = 7000 },
            new ClusterShape { Nodes = 5, Instances = 20, LocationTags = true, Seed = 7002 },
            new ClusterShape { Nodes = 11, Instances = 31, DrbdFraction = 0.3, OfflineNodes = 1, Seed = 7011 },
            new ClusterShape { Nodes = 6, Instances = 49, Groups = 2, DrbdFraction = 0.3, Seed = 7022 },
            new ClusterShape { Nodes = 9, Instances = 44, DrbdFraction = 0.3, Seed = 7026 },
            new ClusterShape { Nodes = 14, Instances = 26, NodeMemory = 32768, Seed = 7039 },
            new ClusterShape { Nodes = 12, Instances = 35, Groups = 2, DrbdFraction = 0.5, OfflineNodes = 1, Seed = 7052 },
            new ClusterShape { Nodes = 14, Instances = 21, DrbdFraction = 0.5, OfflineNodes = 1, Seed = 7062 },
            // With rack:r1 selected, some moved instances land on a node whose secondary was
            // replaced, and Ganeti prints that node under its primary's name (which ours
            // reproduces here only when asked to).
            new ClusterShape { Nodes = 12, Instances = 5, DrbdFraction = 0.5, LocationTags = true, Seed = 1004 },
            new ClusterShape { Nodes = 11, Instances = 23, OfflineNodes = 1, LocationTags = true, Seed = 1006 },
        };
        foreach (var s in shapes) data.Add(System.Text.Json.JsonSerializer.Serialize(s));
        return data;
    }

    [Theory]
    [MemberData(nameof(FullEvacuationShapes))]
    public void HrollerPlansGanetisFullEvacuation(string shapeJson)
    {
        var file = Write(shapeJson, "full");
        foreach (var options in new[]
                 {
                     new[] { "--full-evacuation" }, new[] { "--full-evacuation", "--print-moves" },
                     new[] { "--full-evacuation", "--print-moves", "--one-step-only" },
                     new[] { "--full-evacuation", "--print-moves", "--ignore-non-redundant" },
                     new[] { "--full-evacuation", "--print-moves", "--skip-non-redundant" },
                     new[] { "--full-evacuation", "--print-moves", "--node-tags", "rack:r2" },
                     new[] { "--full-evacuation", "--print-moves", "--ignore-non-redundant", "--node-tags", "rack:r1" },
                     new[] { "--full-evacuation", "--print-moves", "-G", "group1" },
                     new[] { "--full-evacuation", "--print-moves", "--offline-maintenance" },
                     new[] { "--full-evacuation", "--print-moves", "-O", "node2" },
                     new[] { "--full-evacuation", "--no-headers", "-v", "-v" },
                 })
            AssertSame("hroller", file, options);
    }

    /// <summary>
    /// Nodes n1 and n3 are selected (rack a); n2 sits between them unselected, so all three
    /// form one colour. i3 migrates from n1 to n2, and clearing n1 gives it n3 as secondary;
    /// clearing n2 then moves i1's secondary from n2 to n4. Ganeti overwrites n2 with a copy
    /// of i1's primary n3 there, so it shows i3 on n3 twice; ours keeps n2 as n2.
    /// </summary>
    private const string SlotBugCluster = """
        g1|uuid-g1|preferred||

        n1|65536|1024|63488|2097152|2086912|32|M|uuid-g1|1|rack:a|N|0|1|1.0
        n2|65536|1024|63488|2097152|2076672|32|N|uuid-g1|1|rack:b|N|0|1|1.0
        n3|65536|1024|64512|2097152|2076672|32|N|uuid-g1|1|rack:a|N|0|1|1.0
        n4|65536|1024|63488|2097152|2086912|32|N|uuid-g1|1|rack:b|N|0|1|1.0

        i1|1024|10240|1|running|Y|n2|n3|drbd||1|-|N
        i2|1024|10240|1|running|Y|n4|n3|drbd||1|-|N
        i3|1024|10240|1|running|Y|n1|n2|drbd||1|-|N



        """;

    [Fact]
    public void HrollerNamesTheOldSecondaryWhereGanetiNamesThePrimary()
    {
        var file = Path.Combine(_dir, "slotbug.txt");
        File.WriteAllText(file, SlotBugCluster);
        var args = new[] { "-t", file, "--full-evacuation", "--print-moves", "--node-tags", "rack:a" };
        var theirs = GanetiTools.Run("hroller", args);
        Assert.Equal((0, ""), (theirs.Code, theirs.Err));
        Assert.Equal("'Node Reboot Groups'\nn3\n  i2 n4 n1\nn1\n  i1 n3 n4\n  i3 n3 n3\n", theirs.Out);
        Assert.Equal(theirs, GanetiTools.RunOursHrollerReproducingGanetiSlotBug(args));
        var ours = GanetiTools.RunOurs("hroller", args);
        Assert.Equal((0, ""), (ours.Code, ours.Err));
        Assert.Equal("'Node Reboot Groups'\nn3\n  i2 n4 n1\nn1\n  i1 n3 n4\n  i3 n2 n3\n", ours.Out);
    }

    /// <summary>Ours, replacing secondaries correctly, never shows an instance with one node as both primary and secondary.</summary>
    [Theory]
    [MemberData(nameof(FullEvacuationShapes))]
    public void HrollerFullEvacuationNeverNamesOneNodeTwice(string shapeJson)
    {
        var file = Write(shapeJson, "twice");
        foreach (var options in new[]
                 {
                     new[] { "--full-evacuation", "--print-moves" },
                     new[] { "--full-evacuation", "--print-moves", "--node-tags", "rack:r1" },
                     new[] { "--full-evacuation", "--print-moves", "--ignore-non-redundant", "--node-tags", "rack:r1" },
                 })
        {
            var args = new[] { "-t", file }.Concat(options).ToArray();
            var ours = GanetiTools.RunOurs("hroller", args);
            var theirs = GanetiTools.Run("hroller", args);
            Assert.Equal((theirs.Code, theirs.Err), (ours.Code, ours.Err));
            var twice = ours.Out.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length == 3 && f[1] == f[2]).Select(f => string.Join(" ", f)).ToList();
            Assert.True(twice.Count == 0, $"hroller {string.Join(" ", options)}: {string.Join("; ", twice)}");
        }
    }

    [Fact]
    public void HrollerRefusesFullEvacuationsThatCannotMigrateOrFindSecondaries()
    {
        // The first cannot move its non-redundant instances, nor, ignoring them, new
        // secondaries; the second cannot migrate its instances onto their secondaries.
        var secondaries = Write(System.Text.Json.JsonSerializer.Serialize(new ClusterShape { Nodes = 7, Instances = 45, Groups = 2, DrbdFraction = 0.3, OfflineNodes = 1, Seed = 7003 }), "nosec");
        AssertSame("hroller", secondaries, "--full-evacuation");
        AssertSame("hroller", secondaries, "--full-evacuation", "--ignore-non-redundant");
        var migration = Write(System.Text.Json.JsonSerializer.Serialize(new ClusterShape { Nodes = 7, Instances = 28, DrbdFraction = 0.3, OfflineNodes = 1, NodeMemory = 16384, Seed = 7006 }), "nomig");
        AssertSame("hroller", migration, "--full-evacuation", "--ignore-non-redundant", "--print-moves");
    }
}
