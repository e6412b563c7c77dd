using System.Globalization;
using Ganeti.HTools.Tests.Generation;

namespace Ganeti.HTools.Tests.Comparison;

/// <summary>Runs Ganeti's hbal and ours on the same generated files and compares the scores.</summary>
public sealed class HbalComparisonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("htools-cmp").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    public static TheoryData<string> Shapes()
    {
        var shapes = new List<ClusterShape>
        {
            new() { Nodes = 4, Instances = 8, Seed = 1 },
            new() { Nodes = 5, Instances = 12, DrbdFraction = 0.5, Seed = 2 },
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
        var data = new TheoryData<string>();
        foreach (var s in shapes) data.Add(System.Text.Json.JsonSerializer.Serialize(s));
        return data;
    }

    private static ClusterShape ShapeOf(string json) => System.Text.Json.JsonSerializer.Deserialize<ClusterShape>(json)!;

    [Theory]
    [MemberData(nameof(Shapes))]
    public void InitialScoreEqualsAndFinalScoreIsNeverWorseThanHbal(string shapeJson) => CompareWithHbal(ShapeOf(shapeJson));

    /// <summary>
    /// More generated clusters, mixing plain and drbd instances with offline nodes and small
    /// nodes; among them one where hbal's third move takes an instance off its offline primary
    /// at the cost of its secondary's N+1 room (a move Ganeti forces, and so do we).
    /// </summary>
    public static TheoryData<string> MixedShapes()
    {
        var data = new TheoryData<string>();
        data.Add(System.Text.Json.JsonSerializer.Serialize(new ClusterShape { Nodes = 6, Instances = 31, Seed = 121, DrbdFraction = 0.5, OfflineNodes = 1, NodeMemory = 32768 }));
        var rng = new Random(2026);
        for (int k = 0; k < 24; k++)
        {
            int nodes = rng.Next(4, 13);
            data.Add(System.Text.Json.JsonSerializer.Serialize(new ClusterShape
            {
                Nodes = nodes, Instances = nodes * rng.Next(2, 7), Seed = 1000 + k, DrbdFraction = new[] { 1.0, 0.7, 0.5, 0.3 }[rng.Next(4)],
                OfflineNodes = rng.Next(0, 2), NodeMemory = new[] { 16384, 32768, 65536 }[rng.Next(3)], ExclusionTags = rng.Next(3) == 0,
            }));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(MixedShapes))]
    public void MixedClustersEndNoWorseThanHbal(string shapeJson) => CompareWithHbal(ShapeOf(shapeJson));

    private void CompareWithHbal(ClusterShape shape)
    {
        var file = Path.Combine(_dir, shape + ".txt");
        File.WriteAllText(file, ClusterGenerator.Generate(shape));
        var theirs = GanetiTools.Run("hbal", new[] { "-t", file });
        Assert.True(theirs.Code == 0, $"hbal failed on {shape}: {theirs.Err}");
        var ours = GanetiTools.RunOurs("hbal", "-t", file);
        Assert.True(ours.Code == 0, $"our hbal failed on {shape}: {ours.Err}");
        var h = HbalOutput.Parse(theirs.Out);
        var o = HbalOutput.Parse(ours.Out);
        Assert.Equal(h.Initial.ToString("F8", CultureInfo.InvariantCulture), o.Initial.ToString("F8", CultureInfo.InvariantCulture));
        Assert.True(o.Final <= h.Final + 1e-8, $"{shape}: our final score {o.Final} is worse than hbal's {h.Final}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FocusedSearchEndsWithinHalfAPercentOfHbal(string shapeJson)
    {
        var shape = ShapeOf(shapeJson) with { Nodes = ShapeOf(shapeJson).Nodes * 2, Instances = ShapeOf(shapeJson).Instances * 2 };
        var file = Path.Combine(_dir, shape + "-focused.txt");
        File.WriteAllText(file, ClusterGenerator.Generate(shape));
        var theirs = GanetiTools.Run("hbal", new[] { "-t", file }, timeoutMs: 300_000);
        Assert.True(theirs.Code == 0, $"hbal failed on {shape}: {theirs.Err}");
        var h = HbalOutput.Parse(theirs.Out);
        var cd = Ganeti.HTools.Model.ClusterLoader.LoadText(File.ReadAllText(file));
        int group = cd.Nodes.First(n => !n.Offline).Group;
        var bal = Ganeti.HTools.Balancing.Balancer.ForGroup(cd, group,
            new Ganeti.HTools.Balancing.BalanceOptions { Search = Ganeti.HTools.Balancing.BalanceSearch.Focused });
        Assert.Equal(h.Initial.ToString("F8", CultureInfo.InvariantCulture), bal.CurrentScore().ToString("F8", CultureInfo.InvariantCulture));
        var plan = bal.Run();
        double final = plan.Count > 0 ? plan[^1].Score : bal.CurrentScore();
        // Groups too small for a window of loaded nodes are searched exhaustively, as hbal does.
        // Larger ones take another path than hbal's and may end in another local optimum
        // (where an exhaustive round finds no move either): on these shapes at most 0.16% worse.
        Assert.True(final <= h.Final * 1.005 + 1e-8, $"{shape}: focused final score {final} is more than 0.5% worse than hbal's {h.Final}");
    }

    [Theory]
    [InlineData("--evac-mode")]
    [InlineData("--no-disk-moves")]
    [InlineData("--no-instance-moves")]
    [InlineData("--restricted-migration")]
    [InlineData("-l3")]
    [InlineData("-g0.5")]
    public void OptionsGiveTheSameScoresAsHbal(string option)
    {
        var shape = new ClusterShape { Nodes = 8, Instances = 30, OfflineNodes = 1, Seed = 21 };
        var file = Path.Combine(_dir, "opt.txt");
        File.WriteAllText(file, ClusterGenerator.Generate(shape));
        var theirs = GanetiTools.Run("hbal", new[] { "-t", file, option });
        var ours = GanetiTools.RunOurs("hbal", "-t", file, option);
        Assert.Equal(0, theirs.Code);
        Assert.Equal(0, ours.Code);
        var h = HbalOutput.Parse(theirs.Out);
        var o = HbalOutput.Parse(ours.Out);
        Assert.Equal(h.Initial.ToString("F8", CultureInfo.InvariantCulture), o.Initial.ToString("F8", CultureInfo.InvariantCulture));
        Assert.True(o.Final <= h.Final + 1e-8, $"{option}: our final score {o.Final} is worse than hbal's {h.Final}");
    }

    [Fact]
    public void PrintedCommandsMatchHbal()
    {
        var shape = new ClusterShape { Nodes = 6, Instances = 16, Seed = 31 };
        var file = Path.Combine(_dir, "cmds.txt");
        File.WriteAllText(file, ClusterGenerator.Generate(shape));
        var theirs = GanetiTools.Run("hbal", new[] { "-t", file, "-C" });
        var ours = GanetiTools.RunOurs("hbal", "-t", file, "-C");
        Assert.Equal(theirs.Out, ours.Out);
    }
}
