using Ganeti.HTools.Model;
using Ganeti.HTools.Tests.Generation;
using Ganeti.HTools.Text;

namespace Ganeti.HTools.Tests.Text;

public sealed class TextFormatTests
{
    [Fact]
    public void AFileWrittenBackParsesToTheSameText()
    {
        var text = ClusterGenerator.Generate(new ClusterShape { Nodes = 6, Instances = 20, ExclusionTags = true, LocationTags = true, GroupPolicies = true, Groups = 2 });
        var once = TextSerializer.Serialize(ClusterLoader.Finish(TextLoader.Parse(text), new LoadOptions()));
        var twice = TextSerializer.Serialize(ClusterLoader.Finish(TextLoader.Parse(once), new LoadOptions()));
        Assert.Equal(once, twice);
    }

    [Fact]
    public void OldFilesWithFewerFieldsGetGanetisDefaults()
    {
        var cd = TextLoader.Parse(ClusterGenerator.Generate(new ClusterShape { OldFormat = true, Nodes = 3, Instances = 4 }));
        Assert.All(cd.Nodes, n => Assert.Equal(1, n.State.TSpindles));
        Assert.All(cd.Nodes, n => Assert.Equal(1.0, n.State.CpuSpeed));
        Assert.All(cd.Instances, i => Assert.False(i.Forthcoming));
        Assert.All(cd.Instances, i => Assert.Null(i.TotalSpindles));
        Assert.Equal(IPolicy.Default.VcpuRatio, cd.Policy.VcpuRatio);
    }

    [Fact]
    public void UnknownNodesAreLoadedOfflineWithNoResources()
    {
        var cd = TextLoader.Parse(ClusterGenerator.Generate(new ClusterShape { Nodes = 4, Instances = 4, UnknownNodes = 1 }));
        var unknown = cd.Nodes.Single(n => n.State.TMem == 0);
        Assert.True(unknown.Offline);
    }

    [Fact]
    public void MissingSectionsAreReported()
    {
        var e = Assert.Throws<TextFormatException>(() => TextLoader.Parse("g|u|preferred||\n\nnode1|1|1|1|1|1|1|N|u\n"));
        Assert.Contains("sections", e.Message);
    }

    [Fact]
    public void UnknownNodeOfAnInstanceIsAnError()
    {
        var text = "g|u|preferred||\n\nnode1|1024|0|1000|1000|1000|4|N|u\n\ni1|128|100|1|running|Y|node9||plain|\n\n\n";
        var e = Assert.Throws<TextFormatException>(() => TextLoader.Parse(text));
        Assert.Contains("node9", e.Message);
    }

    [Fact]
    public void PoliciesAreAttachedToTheirGroups()
    {
        var cd = TextLoader.Parse(ClusterGenerator.Generate(new ClusterShape { Groups = 2, Nodes = 4, Instances = 4, GroupPolicies = true }));
        Assert.Equal(2.5, cd.Groups[0].Policy.VcpuRatio);
        Assert.Equal(4.0, cd.Groups[1].Policy.VcpuRatio);
    }
}
