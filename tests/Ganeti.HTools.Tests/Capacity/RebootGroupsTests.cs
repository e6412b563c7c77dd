using Ganeti.HTools.Capacity;
using Ganeti.HTools.Model;

namespace Ganeti.HTools.Tests.Capacity;

public sealed class RebootGroupsTests
{
    /// <summary>A one-group cluster of <paramref name="nodes"/> nodes (n1 the master) with drbd instances "p>s" and plain ones "p".</summary>
    private static ClusterData Cluster(int nodes, params string[] instances)
        => RebootClusters.Build(Enumerable.Repeat(60000, nodes).ToArray(), instances);

    private static List<int> All(ClusterData cd) => RebootClusters.All(cd);

    [Fact]
    public void EveryInstanceLinksItsNodesOnceAndSharedSecondariesLinkPrimariesOncePerPair()
    {
        // n1 and n2 both use n3 as secondary (twice for n1); n1 also mirrors onto n2.
        var cd = Cluster(4, "1>3", "1>3", "2>3", "1>2");
        var g = RebootGraph.Build(cd, All(cd), offlineMaintenance: false);
        Assert.Equal(new[] { 0, 1, 2, 2 }, g.Neighbours(0).Order()); // n3 twice, n2 by the instance, itself as a primary of n3
        Assert.Equal(new[] { 0, 1, 2 }, g.Neighbours(1).Order()); // no second edge to n1: an instance already links them
        Assert.Equal(new[] { 0, 0, 1 }, g.Neighbours(2).Order());
        Assert.Empty(g.Neighbours(3));
    }

    [Fact]
    public void OfflineMaintenanceOnlyLinksPrimariesToSecondaries()
    {
        var cd = Cluster(3, "1>3", "2>3");
        var g = RebootGraph.Build(cd, All(cd), offlineMaintenance: true);
        Assert.Equal(new[] { 2 }, g.Neighbours(0));
        Assert.Equal(new[] { 2 }, g.Neighbours(1));
        Assert.Equal(new[] { 0, 1 }, g.Neighbours(2).Order());
    }

    [Fact]
    public void UnselectedNodesBetweenSelectedOnesStayIsolatedVertices()
    {
        var cd = Cluster(5, "1>2", "2>3", "3>4", "4>5");
        var g = RebootGraph.Build(cd, new[] { 1, 3 }, offlineMaintenance: true);
        Assert.Equal(1, g.Low);
        Assert.Equal(3, g.High);
        Assert.Equal("array (1,3) [(1,[]),(2,[]),(3,[])]", g.Show());
    }

    [Fact]
    public void GraphIsShownNewestEdgeFirst()
    {
        var cd = Cluster(3, "1>2", "1>3");
        Assert.Equal("array (0,2) [(0,[0,2,1]),(1,[0]),(2,[0])]", RebootGraph.Build(cd, All(cd), false).Show());
    }

    [Theory]
    [InlineData(ColoringAlgorithm.LF)]
    [InlineData(ColoringAlgorithm.Dsatur)]
    [InlineData(ColoringAlgorithm.Dcolor)]
    public void NoTwoLinkedNodesShareAColour(ColoringAlgorithm algorithm)
    {
        var rnd = new Random(7);
        for (int round = 0; round < 50; round++)
        {
            int n = rnd.Next(2, 12);
            var insts = Enumerable.Range(0, rnd.Next(1, 30)).Select(_ =>
            {
                int p = rnd.Next(1, n + 1), s = rnd.Next(1, n + 1);
                return p == s || rnd.Next(5) == 0 ? p.ToString() : $"{p}>{s}";
            }).ToArray();
            var cd = Cluster(n, insts);
            var g = RebootGraph.Build(cd, All(cd), rnd.Next(2) == 0);
            var colours = g.Color(algorithm);
            foreach (var v in g.Vertices)
                foreach (var u in g.Neighbours(v))
                    if (u != v) Assert.NotEqual(colours[v - g.Low], colours[u - g.Low]);
        }
    }

    [Fact]
    public void LargestFirstBreaksDegreeTiesTowardsTheHigherNode()
    {
        // Two disjoint pairs: all degrees equal, so n4 is coloured first and n2 joins it.
        var cd = Cluster(4, "1>2", "3>4");
        var g = RebootGraph.Build(cd, All(cd), offlineMaintenance: true);
        var c = new RebootGroups.Coloring(ColoringAlgorithm.LF, g.Color(ColoringAlgorithm.LF));
        Assert.Equal(new[] { new[] { 1, 3 }, new[] { 0, 2 } }, RebootGroups.Classes(g, c).Select(l => l.ToArray()));
    }

    [Fact]
    public void TheFewestColoursWinAndLargestFirstWinsATie()
    {
        var lf = new RebootGroups.Coloring(ColoringAlgorithm.LF, new[] { 0, 1, 2 });
        var dsatur = new RebootGroups.Coloring(ColoringAlgorithm.Dsatur, new[] { 0, 1, 1 });
        var dcolor = new RebootGroups.Coloring(ColoringAlgorithm.Dcolor, new[] { 1, 0, 0 });
        Assert.Same(dsatur, RebootGroups.Best(new[] { lf, dsatur, dcolor }));
        Assert.Equal("Dcolor: 2 (2,1) TIE Dsatur: 2 (1,2) LOOSE LF: 3 (1,1,1)", RebootGroups.Summary(new[] { lf, dsatur, dcolor }));
        var lf2 = lf with { Colours = new[] { 0, 1, 0 } };
        Assert.Same(lf2, RebootGroups.Best(new[] { lf2, dsatur, dcolor }));
    }

    [Fact]
    public void LargerGroupsComeFirstAndTheMastersGroupLast()
    {
        var groups = new List<List<int>> { new() { 0, 5 }, new() { 1 }, new() { 2, 3, 4 }, new() { 6 } };
        Assert.Equal(new[] { 2, 1, 3, 0 }, RebootGroups.Order(groups, master: 0));
        Assert.Equal(new[] { 2, 0, 1, 3 }, RebootGroups.Order(groups, master: 9));
    }
}
