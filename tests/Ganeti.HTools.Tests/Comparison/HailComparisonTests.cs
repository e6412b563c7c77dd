using System.Text.Json.Nodes;
using Ganeti.HTools.Allocation;
using Ganeti.HTools.Model;
using Ganeti.HTools.Tests.Generation;
using Ganeti.HTools.Text;

namespace Ganeti.HTools.Tests.Comparison;

/// <summary>Sends the same IAllocator requests to Ganeti's hail and to ours.</summary>
public sealed class HailComparisonTests
{
    private static JsonObject AllocRequest(string name, int mem, int disk, int vcpus, string template)
    {
        var request = NewInstanceRequest.Of(name, mem, disk, vcpus, template);
        request["type"] = "allocate";
        return request;
    }

    public static TheoryData<int, int, int, int, string> Cases() => new()
    {
        { 8, 16, 5, 4096, "drbd" },
        { 8, 16, 5, 1024, "plain" },
        { 6, 10, 6, 8192, "drbd" },
        { 10, 20, 7, 2048, "drbd" },
        { 10, 30, 8, 30000, "drbd" },
        { 5, 6, 9, 512, "plain" },
        { 12, 24, 10, 4096, "drbd" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WeSucceedWhereHailDoesAndOurAllocationIsValid(int nodes, int insts, int seed, int mem, string template)
    {
        var shape = new ClusterShape { Nodes = nodes, Instances = insts, Seed = seed, Skew = 0.2, DownInstances = false };
        var raw = TextLoader.Parse(ClusterGenerator.Generate(shape));
        var input = IAllocatorInput.Build(raw, AllocRequest("new1.example.com", mem, 10240, 2, template));
        var theirs = GanetiTools.Hail(input);
        var ours = JsonNode.Parse(IAllocatorService.Process(input))!.AsObject();
        if ((bool)theirs["success"]!)
            Assert.True((bool)ours["success"]!, $"hail allocated but we did not: {ours["info"]}");
        if (!(bool)ours["success"]!) return;
        var names = ours["result"]!.AsArray().Select(x => (string)x!).ToList();
        Assert.Equal(template == "drbd" ? 2 : 1, names.Count);
        // Place it and check every node-level rule and the global N+1 rule again.
        var cd = ClusterLoader.Finish(TextLoader.Parse(ClusterGenerator.Generate(shape)), new LoadOptions());
        var inst = IAllocatorInput.ParseBaseInstance("new1.example.com", AllocRequest("new1.example.com", mem, 10240, 2, template));
        var p = cd.FindNode(names[0])!;
        var ps = p.State;
        Assert.Equal(FailMode.None, ps.AddPri(p, inst, false));
        if (names.Count == 2)
        {
            var s = cd.FindNode(names[1])!;
            var ss = s.State;
            Assert.Equal(FailMode.None, ss.AddSec(s, inst, p.Index, false));
        }
        new Allocator(cd).Place(inst, p.Index, names.Count == 2 ? cd.FindNode(names[1])!.Index : -1);
        Assert.True(GlobalN1.Redundant(cd), "our allocation left the cluster without global N+1 redundancy");
    }
}
