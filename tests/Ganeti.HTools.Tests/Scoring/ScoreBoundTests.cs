using Ganeti.HTools.Balancing;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;
using Ganeti.HTools.Tests.Generation;

namespace Ganeti.HTools.Tests.Scoring;

/// <summary>The lower bound the balancer uses to skip moves really is one.</summary>
public sealed class ScoreBoundTests
{
    [Theory]
    [InlineData(12, 80, 1.0, false, 201)]
    [InlineData(20, 150, 0.7, true, 202)]
    [InlineData(8, 40, 1.0, true, 203)]
    public void TheBoundFromTheTargetAloneNeverExceedsTheScoreOfTheMove(int nodeCount, int instances, double drbd, bool tags, int seed)
    {
        var cd = ClusterLoader.LoadText(ClusterGenerator.Generate(new ClusterShape
        {
            Nodes = nodeCount, Instances = instances, DrbdFraction = drbd, LocationTags = tags, ExclusionTags = tags, Seed = seed,
        }));
        var nodes = cd.Nodes.ToArray();
        var members = nodes.Select(n => n.Index).ToArray();
        var sim = new MoveSimulator(nodes, tags);
        var board = new ScoreBoard(nodes, members, false);
        var t = new Touched();
        const int M = Metrics.Count;
        double[] sum = new double[M], sq = new double[M], nv = new double[M];
        double[] slope = new double[M], offset = new double[M], linear = new double[M];
        double[] asPrimary = new double[M], asSecondary = new double[M];
        int checkedMoves = 0, tight = 0, early = 0, earlyChecked = 0;
        var kinds = new[] { MoveKind.ReplaceSecondary, MoveKind.ReplaceAndFailover, MoveKind.ReplacePrimary, MoveKind.FailoverAndReplace };
        foreach (var inst in cd.Instances.Where(i => i.MirrorType == MirrorType.Internal && i.SNode >= 0))
        {
            Assert.True(MoveScorer.Amounts(inst, asPrimary, asSecondary));
            foreach (var target in members)
            {
                if (target == inst.PNode || target == inst.SNode || nodes[target].Offline) continue;
                foreach (var kind in kinds)
                {
                    if (!sim.Simulate(inst, new Move(kind, target), true, ref t)) continue;
                    Assert.Equal(target, t.IndexAt(2));
                    Array.Clear(sum); Array.Clear(sq);
                    for (int k = 0; k < 2; k++)
                    {
                        Metrics.NodeValues(t.StateAt(k), nv);
                        board.Accumulate(t.IndexAt(k), nv, sum, sq);
                    }
                    double baseValue = board.PrepareBound(sum, sq, slope, offset, linear);
                    Metrics.NodeValues(t.StateAt(2), nv);
                    double bound = board.Bound(baseValue, target, nv, slope, offset, linear);
                    double score = board.Evaluate(t, 0);
                    Assert.True(bound <= score + 1e-9 * (1 + score), $"{inst.Name} {kind} to {target}: bound {bound} above score {score}");
                    checkedMoves++;
                    if (score - bound < 0.05 * Math.Abs(score - board.Score)) tight++;
                    // The bound before simulating the target: the target takes the instance as
                    // secondary (replace-secondary, failover-and-replace) or as primary.
                    bool asPri = kind is MoveKind.ReplaceAndFailover or MoveKind.ReplacePrimary;
                    int own = kind == MoveKind.ReplaceSecondary ? inst.PNode : inst.SNode;
                    double srcLocMin = kind is MoveKind.ReplaceSecondary or MoveKind.FailoverAndReplace && !nodes[own].Offline ? -inst.LocationScore : 0;
                    double before = MoveScorer.BoundBeforeSimulating(board, nodes, baseValue, slope, offset, linear,
                        asPri ? asPrimary : asSecondary, asPri, target, inst, srcLocMin);
                    if (double.IsNaN(before)) continue;
                    earlyChecked++;
                    Assert.True(before <= score + 1e-9 * (1 + score), $"{inst.Name} {kind} to {target}: bound before simulating {before} above score {score}");
                    if (score - before < 0.05 * Math.Abs(score - board.Score)) early++;
                }
            }
        }
        Assert.True(checkedMoves > 100, $"only {checkedMoves} moves checked");
        // A bound that is always far below is no use: most moves are bounded within 5% of their change.
        Assert.True(tight * 2 > checkedMoves, $"only {tight} of {checkedMoves} bounds are tight");
        // The bound before simulating leaves out more (N+1 counts, tag conflicts, location, the reservation): a quarter within 5%.
        Assert.True(earlyChecked * 2 > checkedMoves, $"only {earlyChecked} of {checkedMoves} moves bounded before simulating");
        Assert.True(early * 4 > earlyChecked, $"only {early} of {earlyChecked} bounds before simulating are tight");
    }
}
