using Ganeti.HTools.Balancing;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;
using Ganeti.HTools.Tests.Generation;

namespace Ganeti.HTools.Tests.Balancing;

/// <summary>
/// The balancer scores a round's moves from shared per-instance work and skips moves whose
/// lower bound cannot win. These tests pin that it still picks exactly the move that scoring
/// every candidate on its own picks: same instance, same move, same score to the last bit.
/// </summary>
public sealed class SharedScoringTests
{
    private static readonly ClusterShape[] Shapes =
    {
        new() { Nodes = 8, Instances = 40, Seed = 101 },
        new() { Nodes = 10, Instances = 60, DrbdFraction = 0.6, OfflineNodes = 1, Seed = 102 },
        new() { Nodes = 9, Instances = 45, LocationTags = true, ExclusionTags = true, Seed = 103 },
        new() { Nodes = 12, Instances = 70, ExclusionTags = true, GroupPolicies = true, Seed = 104 },
        new() { Nodes = 8, Instances = 30, NodeMemory = 32768, Seed = 105 },
        new() { Nodes = 12, Instances = 60, Skew = 1.0, LocationTags = true, Seed = 106 },
        new() { Nodes = 6, Instances = 24, UnknownNodes = 1, OfflineNodes = 1, Seed = 107 },
    };

    private static ClusterData Load(string shapeJson)
        => ClusterLoader.LoadText(ClusterGenerator.Generate(System.Text.Json.JsonSerializer.Deserialize<ClusterShape>(shapeJson)!));

    public static TheoryData<string, int> ShapesAndOptions()
    {
        var data = new TheoryData<string, int>();
        foreach (var shape in Shapes)
            for (int o = 0; o < OptionSets.Length; o++) data.Add(System.Text.Json.JsonSerializer.Serialize(shape), o);
        return data;
    }

    /// <summary>Far more than these plans need; a bound on the plans of a broken search.</summary>
    private const int MaxMoves = 1000;

    private static readonly BalanceOptions[] OptionSets =
    {
        new(),
        new() { IgnoreSoftErrors = true },
        new() { RestrictedMigration = true },
        new() { InstanceMoves = false },
    };

    [Theory]
    [MemberData(nameof(ShapesAndOptions))]
    public void AnExhaustivePlanIsMoveForMoveTheGreedyPlanOfScoringEachMoveAlone(string shapeJson, int optionSet)
    {
        var opt = OptionSets[optionSet] with { Search = BalanceSearch.Exhaustive, MaxLength = MaxMoves };
        var ours = Balancer.ForGroup(Load(shapeJson), 0, opt).Run();
        var reference = ReferencePlan(Load(shapeJson), opt);
        Assert.True(reference.Count > 0, "the shape should need balancing");
        Assert.Equal(reference.Count, ours.Count);
        for (int k = 0; k < ours.Count; k++)
        {
            Assert.Equal((reference[k].Instance, reference[k].Move), (ours[k].Instance, ours[k].Move));
            Assert.Equal(BitConverter.DoubleToInt64Bits(reference[k].Score), BitConverter.DoubleToInt64Bits(ours[k].Score));
        }
    }

    [Theory]
    [InlineData(BalanceSearch.Focused, 40, 400, 1.0, false)]
    [InlineData(BalanceSearch.Focused, 48, 300, 0.5, true)]
    [InlineData(BalanceSearch.Exhaustive, 30, 240, 0.8, true)]
    public void PlansAreTheSameWhetherMovesAreScoredTogetherOrAlone(BalanceSearch search, int nodes, int instances, double drbd, bool tags)
    {
        var shape = System.Text.Json.JsonSerializer.Serialize(new ClusterShape
        {
            Nodes = nodes, Instances = instances, DrbdFraction = drbd, LocationTags = tags, ExclusionTags = tags,
            OfflineNodes = tags ? 1 : 0, Seed = nodes,
        });
        var shared = Balancer.ForGroup(Load(shape), 0, new BalanceOptions { Search = search, MaxLength = MaxMoves }).Run();
        var alone = Balancer.ForGroup(Load(shape), 0, new BalanceOptions { Search = search, MaxLength = MaxMoves, ScoreOneByOne = true }).Run();
        Assert.True(alone.Count > 0);
        Assert.Equal(alone.Count, shared.Count);
        for (int k = 0; k < shared.Count; k++)
        {
            Assert.Equal((alone[k].Instance, alone[k].Move), (shared[k].Instance, shared[k].Move));
            Assert.Equal(BitConverter.DoubleToInt64Bits(alone[k].Score), BitConverter.DoubleToInt64Bits(shared[k].Score));
        }
    }

    private sealed record Step(int Instance, Move Move, double Score);

    /// <summary>
    /// hbal's greedy search written out plainly: every round simulates and scores every
    /// allowed move of every movable instance on its own and takes the first best one.
    /// </summary>
    private static List<Step> ReferencePlan(ClusterData cd, BalanceOptions opt)
    {
        var nodes = cd.Nodes.ToArray();
        var group = nodes.Where(n => n.Group == 0).Select(n => n.Index).ToArray();
        var online = group.Where(i => !nodes[i].Offline).ToArray();
        var insts = cd.Instances.Where(i => nodes[i.PNode].Group == 0).OrderBy(i => i.Index).ToArray();
        bool anyLoc = group.Any(i => nodes[i].LocationTags.Count > 0);
        var sim = new MoveSimulator(nodes, anyLoc);
        var board = new ScoreBoard(nodes, group, anyLoc && insts.Any(i => i.ExclTags.Length > 0));
        double Fresh() => Metrics.Score(group.Select(i => nodes[i]));
        double minScore = Metrics.OptimalScore(group.Select(i => nodes[i]).ToList()) + opt.MinScore;
        double cur = Fresh();
        var plan = new List<Step>();
        var t = new Touched();
        while (cur > minScore && plan.Count < opt.MaxLength)
        {
            double baseScore = board.Score;
            Instance? bestInst = null;
            Move bestMove = default;
            double bestScore = baseScore;
            foreach (var inst in insts)
            {
                if (!inst.Movable || !inst.AutoBalance) continue;
                foreach (var mv in Candidates(inst, nodes, online, opt))
                {
                    if (!sim.Simulate(inst, mv, opt.IgnoreSoftErrors, ref t)) continue;
                    // Moves off an offline node are forced, as in Ganeti: N+1 is not required of them.
                    bool leavesOffline = nodes[inst.PNode].Offline || (inst.SNode >= 0 && nodes[inst.SNode].Offline);
                    bool breaksN1 = false;
                    for (int k = 0; k < t.Count && !leavesOffline; k++)
                    {
                        var n = nodes[t.IndexAt(k)];
                        if (!n.Offline && !n.State.FailN1 && t.StateAt(k).FailN1) breaksN1 = true;
                    }
                    if (breaksN1) continue;
                    double mapDelta = mv.Kind == MoveKind.ReplaceSecondary ? 0 : board.MapDelta(inst, inst.PNode, t.NewPrimary);
                    double score = board.Evaluate(t, mapDelta);
                    if (score < bestScore) { bestScore = score; bestInst = inst; bestMove = mv; }
                }
            }
            if (bestInst is null || !(cur > opt.MinGainLimit || cur - bestScore >= opt.MinGain)) break;
            Assert.True(sim.Simulate(bestInst, bestMove, opt.IgnoreSoftErrors, ref t));
            sim.Commit(bestInst, t);
            board.Recompute();
            cur = Fresh();
            plan.Add(new Step(bestInst.Index, bestMove, cur));
        }
        return plan;
    }

    /// <summary>The moves Ganeti tries for an instance, in its order: failover, then per target node each kind.</summary>
    private static IEnumerable<Move> Candidates(Instance inst, Node[] nodes, int[] online, BalanceOptions opt)
    {
        int op = inst.PNode, os = inst.SNode;
        bool useSecondary = os >= 0 && !nodes[os].Offline && nodes[os].Group == nodes[op].Group && opt.InstanceMoves;
        var kinds = new List<MoveKind>();
        if (inst.MirrorType == MirrorType.Internal)
        {
            if (useSecondary) yield return Move.Failover;
            if (opt.DiskMoves)
            {
                if (!opt.InstanceMoves || (opt.RestrictedMigration && !nodes[op].Offline)) kinds.Add(MoveKind.ReplaceSecondary);
                else if (useSecondary && !opt.RestrictedMigration)
                    kinds.AddRange(new[] { MoveKind.ReplaceSecondary, MoveKind.ReplaceAndFailover, MoveKind.ReplacePrimary, MoveKind.FailoverAndReplace });
                else if (useSecondary)
                    kinds.AddRange(new[] { MoveKind.ReplaceSecondary, MoveKind.ReplaceAndFailover, MoveKind.FailoverAndReplace });
                else kinds.AddRange(new[] { MoveKind.ReplaceSecondary, MoveKind.ReplaceAndFailover });
            }
        }
        else if (inst.MirrorType == MirrorType.External && opt.InstanceMoves) kinds.Add(MoveKind.FailoverToAny);
        foreach (var tdx in online)
        {
            if (tdx == op || tdx == os) continue;
            foreach (var k in kinds) yield return new Move(k, tdx);
        }
    }
}
