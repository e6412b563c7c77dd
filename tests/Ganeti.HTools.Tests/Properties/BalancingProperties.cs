using FsCheck;
using FsCheck.Fluent;
using Ganeti.HTools.Balancing;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;
using Ganeti.HTools.Tests.Generation;
using Ganeti.HTools.Text;

namespace Ganeti.HTools.Tests.Properties;

/// <summary>Properties that hold for any generated cluster.</summary>
public sealed class BalancingProperties
{
    private static readonly Gen<ClusterShape> Shapes =
        from nodes in Gen.Choose(3, 9)
        from perNode in Gen.Choose(1, 5)
        from drbd in Gen.Elements(1.0, 0.7, 0.3)
        from off in Gen.Choose(0, 1)
        from tags in Gen.Elements(false, true)
        from loc in Gen.Elements(false, true)
        from mem in Gen.Elements(16384, 32768, 65536)
        from seed in Gen.Choose(1, 100000)
        select new ClusterShape
        {
            Nodes = nodes, Instances = nodes * perNode, DrbdFraction = drbd, OfflineNodes = off,
            ExclusionTags = tags, LocationTags = loc, NodeMemory = mem, Seed = seed,
        };

    private static Config Cfg => Config.QuickThrowOnFailure.WithMaxTest(40);

    private static ClusterData Load(ClusterShape s) => ClusterLoader.LoadText(ClusterGenerator.Generate(s));

    [Fact]
    public void NoMoveOfAPlanBreaksNPlusOne()
    {
        Prop.ForAll(Shapes.ToArbitrary(), shape =>
        {
            var cd = Load(shape);
            var bal = Balancer.ForGroup(cd, 0);
            var wasBad = cd.Nodes.Where(n => n.State.FailN1).Select(n => n.Index).ToHashSet();
            bool ok = true;
            bal.Run(step =>
            {
                // Moving an instance off an offline node is forced, as in Ganeti: it may cost N+1.
                bool forced = cd.Nodes[step.OldPrimary].Offline || (step.OldSecondary >= 0 && cd.Nodes[step.OldSecondary].Offline);
                foreach (var n in cd.Nodes)
                    if (!n.Offline && n.State.FailN1 && !wasBad.Contains(n.Index))
                    {
                        if (forced) wasBad.Add(n.Index);
                        else ok = false;
                    }
            });
            return ok;
        }).Check(Cfg);
    }

    [Fact]
    public void AFocusedPlanEndsWhereAnExhaustiveRoundFindsNoMove()
    {
        Prop.ForAll(Shapes.ToArbitrary(), shape =>
        {
            var cd = Load(shape);
            var focused = Balancer.ForGroup(cd, 0, new BalanceOptions { Search = BalanceSearch.Focused });
            var plan = focused.Run();
            double score = plan.Count > 0 ? plan[^1].Score : focused.CurrentScore();
            var check = Balancer.ForGroup(cd, 0, new BalanceOptions { Search = BalanceSearch.Exhaustive });
            return score <= focused.OptimalScore() + 1e-9 || check.Step(score) is null;
        }).Check(Cfg);
    }

    [Fact]
    public void TheScoreNeverRisesAlongAPlan()
    {
        Prop.ForAll(Shapes.ToArbitrary(), shape =>
        {
            var cd = Load(shape);
            var bal = Balancer.ForGroup(cd, 0);
            double last = bal.CurrentScore();
            bool ok = true;
            bal.Run(p => { if (p.Score > last + 1e-9) ok = false; last = p.Score; });
            return ok && Math.Abs(last - Metrics.Score(cd.Nodes)) < 1e-9;
        }).Check(Cfg);
    }

    [Fact]
    public void TheIncrementalScoreAgreesWithTheFullComputation()
    {
        Prop.ForAll(Shapes.ToArbitrary(), shape =>
        {
            var cd = Load(shape);
            var board = new ScoreBoard(cd.Nodes.ToArray(), cd.Nodes.Select(n => n.Index), true);
            return Math.Abs(board.Score - Metrics.Score(cd.Nodes)) < 1e-9;
        }).Check(Cfg);
    }

    [Fact]
    public void TheTextFormatRoundTrips()
    {
        Prop.ForAll(Shapes.ToArbitrary(), shape =>
        {
            var cd = Load(shape);
            Balancer.ForGroup(cd, 0, new BalanceOptions { MaxLength = 5 }).Run();
            var once = TextSerializer.Serialize(cd);
            var again = TextSerializer.Serialize(ClusterLoader.LoadText(once));
            return once == again;
        }).Check(Cfg);
    }
}
