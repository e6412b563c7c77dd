using Ganeti.HTools.Capacity;
using Ganeti.HTools.Model;

namespace Ganeti.HTools.Tests.Capacity;

public sealed class RebootEvacuationTests
{
    private static ClusterData Cluster(int[] freeMemory, params string[] instances) => RebootClusters.Build(freeMemory, instances);

    private static List<int> All(ClusterData cd) => RebootClusters.All(cd);

    private static string[] Show(ClusterData cd, RebootConfiguration conf, RebootConfiguration initial)
        => conf.MovesSince(initial)
            .Select(m => $"{m.Instance.Name} {cd.Nodes[m.Primary].Name}{(m.Secondary is int s ? " " + cd.Nodes[s].Name : "")}")
            .ToArray();

    [Fact]
    public void AnInstanceCanPassThroughANodeClearedLaterInThePart()
    {
        // n1 has no room; n2's instance first lands on n3, then leaves with n3's own for n4.
        var cd = Cluster(new[] { 500, 60000, 60000, 60000 }, "2", "3");
        var initial = RebootConfiguration.FromCluster(cd);
        var (cleared, conf) = RebootEvacuation.Clear(new[] { 1, 2 }, All(cd), initial, RebootClearing.NonRedundant);
        Assert.Equal(new[] { 1, 2 }, cleared);
        Assert.Equal(new[] { "i1 n4", "i2 n4" }, Show(cd, conf, initial));
    }

    [Fact]
    public void InstancesGoToTheFirstNodeWithRoomNewestFirst()
    {
        // n3 takes one instance only: the newest (i2) gets it, the older one goes on to n4.
        var cd = Cluster(new[] { 500, 60000, 1500, 60000 }, "2", "2");
        var initial = RebootConfiguration.FromCluster(cd);
        var (cleared, conf) = RebootEvacuation.Clear(new[] { 1 }, All(cd), initial, RebootClearing.NonRedundant);
        Assert.Equal(new[] { 1 }, cleared);
        Assert.Equal(new[] { "i1 n4", "i2 n3" }, Show(cd, conf, initial));
    }

    [Fact]
    public void ANodeThatCannotJoinThePartStartsTheNextAndEachPartStartsAfresh()
    {
        // Only n1 has room, for one instance: n2 and n3 are cleared in turn, each onto n1.
        var cd = Cluster(new[] { 1500, 60000, 60000 }, "2", "3");
        var initial = RebootConfiguration.FromCluster(cd);
        var parts = RebootEvacuation.Partition(new[] { 1, 2 }, All(cd), initial, RebootClearing.NonRedundant)!;
        Assert.Equal(new[] { new[] { 1 }, new[] { 2 } }, parts.Select(p => p.Nodes.ToArray()));
        Assert.Equal(new[] { "i1 n1" }, Show(cd, parts[0].Configuration, initial));
        Assert.Equal(new[] { "i2 n1" }, Show(cd, parts[1].Configuration, initial));
    }

    [Fact]
    public void APartitionFailsWhenANodeCannotBeClearedEvenAlone()
    {
        var cd = Cluster(new[] { 500, 60000, 500 }, "2");
        Assert.Null(RebootEvacuation.Partition(new[] { 1 }, All(cd), RebootConfiguration.FromCluster(cd), RebootClearing.NonRedundant));
    }

    [Fact]
    public void CandidatesAreOnlyNodesOfTheSameGroup()
    {
        var cd = Cluster(new[] { 60000, 60000, 60000 }, "2");
        cd.Groups.Add(new Group { Name = "g2", Uuid = "uuid-g2", Index = 1 });
        cd.Nodes[0].Group = 1;
        cd.Nodes[2].Group = 1;
        var start = RebootConfiguration.FromCluster(cd);
        Assert.Empty(RebootEvacuation.Clear(new[] { 1 }, All(cd), start, RebootClearing.NonRedundant).Cleared);
    }

    [Fact]
    public void MigratingSwapsPrimaryAndSecondaryAndIsNoMove()
    {
        var cd = Cluster(new[] { 60000, 60000, 60000 }, "2>3", "2>1", "3>1");
        var initial = RebootConfiguration.FromCluster(cd);
        var conf = RebootEvacuation.MigrateOff(new[] { 1 }, initial)!;
        Assert.Equal((2, 1), (conf.PrimaryOf(0), conf.SecondaryOf(0)));
        Assert.Equal((0, 1), (conf.PrimaryOf(1), conf.SecondaryOf(1)));
        Assert.Equal((2, 0), (conf.PrimaryOf(2), conf.SecondaryOf(2)));
        Assert.Empty(conf.MovesSince(initial));
        Assert.Equal(new[] { 0, 1 }, conf.Secondaries(1).Order());
    }

    [Fact]
    public void MigrationFailsWhenASecondaryHasNoMemoryForTheInstance()
    {
        var cd = Cluster(new[] { 60000, 60000, 500 }, "2>1", "2>3");
        Assert.Null(RebootEvacuation.MigrateOff(new[] { 1 }, RebootConfiguration.FromCluster(cd)));
    }

    [Fact]
    public void SecondariesMoveToTheFirstOtherNodeButNeverToThePrimary()
    {
        // i1 is mirrored from n1 onto n2: its new secondary skips n1 (its primary) for n3.
        var cd = Cluster(new[] { 60000, 60000, 60000, 60000 }, "1>2");
        var initial = RebootConfiguration.FromCluster(cd);
        var (cleared, conf) = RebootEvacuation.Clear(new[] { 1 }, All(cd), initial, RebootClearing.Secondaries);
        Assert.Equal(new[] { 1 }, cleared);
        Assert.Equal(new[] { "i1 n1 n3" }, Show(cd, conf, initial));
        Assert.Equal(new[] { 0 }, conf.Secondaries(2));
    }

    [Fact]
    public void ReplacingASecondaryOnlyTakesTheInstanceOffTheOldSecondary()
    {
        // i1 leaves n2 for n3; n2 stays n2 with its own memory and i3's secondary, and gets
        // i1's disk back.
        var cd = Cluster(new[] { 10000, 50000, 60000 }, "1>2", "3>1", "3>2");
        var conf = RebootConfiguration.FromCluster(cd);
        var before = conf.StateOf(1);
        Assert.False(conf.ReproducesGanetiSlotBug);
        Assert.True(conf.TryReplaceSecondary(0, 2));
        Assert.Equal(2, conf.SecondaryOf(0));
        Assert.Equal(1, conf.IdentityOf(1));
        Assert.Equal(new[] { 2 }, conf.Secondaries(1));
        Assert.Equal(new[] { 0 }, conf.Secondaries(2));
        var after = conf.StateOf(1);
        Assert.Equal(before.FDsk + 10240, after.FDsk);
        Assert.Equal(before.SCount - 1, after.SCount);
        Assert.Equal(before.UnallocatedMem, after.UnallocatedMem);
        Assert.Equal(before.PCount, after.PCount);
        // The primary is untouched.
        Assert.Equal(RebootConfiguration.FromCluster(cd).StateOf(0).FDsk, conf.StateOf(0).FDsk);
        Assert.Equal(new[] { 1 }, conf.Secondaries(0));
    }

    [Fact]
    public void AnInstanceMovedOntoAFormerSecondaryShowsThatNodesName()
    {
        // i1's secondary leaves n2 for n4, then the plain i2 moves from n3 onto n2.
        var cd = Cluster(new[] { 60000, 60000, 60000, 60000 }, "1>2", "3");
        var initial = RebootConfiguration.FromCluster(cd);
        var conf = initial.Copy();
        Assert.True(conf.TryReplaceSecondary(0, 3));
        Assert.True(conf.TryMove(1, 1));
        Assert.Equal(new[] { "i1 n1 n4", "i2 n2" }, Show(cd, conf, initial));
        Assert.Equal(60000 - 1024, conf.StateOf(1).UnallocatedMem);
    }

    [Fact]
    public void ASecondaryIsNotReplacedByItself()
    {
        var cd = Cluster(new[] { 60000, 60000, 60000 }, "1>2");
        var conf = RebootConfiguration.FromCluster(cd);
        Assert.False(conf.TryReplaceSecondary(0, 1));
        Assert.Equal(new[] { 0 }, conf.Secondaries(1));
    }

    [Fact]
    public void ReproducingGanetisSlotBugOverwritesTheOldSecondaryWithThePrimary()
    {
        // As Ganeti 3.0.2's hroller: n2's slot then holds n1 as it was (secondary of i2), and
        // an instance moved onto it later is shown on n1.
        var cd = Cluster(new[] { 60000, 60000, 60000, 60000 }, "1>2", "3>1", "4");
        var initial = RebootConfiguration.FromCluster(cd, reproduceGanetiSlotBug: true);
        var conf = initial.Copy();
        Assert.True(conf.ReproducesGanetiSlotBug);
        Assert.True(conf.TryReplaceSecondary(0, 2));
        Assert.Equal(2, conf.SecondaryOf(0));
        Assert.Equal(0, conf.IdentityOf(1));
        Assert.Equal(new[] { 1 }, conf.Secondaries(1));
        Assert.Equal(new[] { 0 }, conf.Secondaries(2));
        Assert.True(conf.TryMove(2, 1));
        Assert.Equal(new[] { "i1 n1 n3", "i3 n1" }, Show(cd, conf, initial));
    }

    [Fact]
    public void ASecondaryNeedsDiskOnItsNewNode()
    {
        var cd = Cluster(new[] { 60000, 60000, 60000 }, "1>2");
        cd.Nodes[2].State.FDsk = 10000;
        var conf = RebootConfiguration.FromCluster(cd);
        Assert.False(conf.TryReplaceSecondary(0, 2));
        Assert.False(conf.TryReplaceSecondary(0, 0));
        Assert.Equal(1, conf.SecondaryOf(0));
        Assert.Equal(1, conf.IdentityOf(1));
    }

    [Fact]
    public void SecondariesThatCannotAllLeaveSplitThePart()
    {
        // n2 and n3 each hold a secondary of n1's instances and n4 can take only one more
        // disk: n2's goes to n3, and then n3 cannot pass both on, so it waits for the next part.
        var cd = Cluster(new[] { 60000, 60000, 60000, 60000 }, "1>2", "1>3");
        cd.Nodes[3].State.FDsk = 15000;
        var initial = RebootConfiguration.FromCluster(cd);
        var parts = RebootEvacuation.Partition(new[] { 1, 2 }, All(cd), initial, RebootClearing.Secondaries)!;
        Assert.Equal(new[] { new[] { 1 }, new[] { 2 } }, parts.Select(p => p.Nodes.ToArray()));
        Assert.Equal(new[] { "i1 n1 n3" }, Show(cd, parts[0].Configuration, initial));
        Assert.Equal(new[] { "i2 n1 n2" }, Show(cd, parts[1].Configuration, initial));
    }
}
