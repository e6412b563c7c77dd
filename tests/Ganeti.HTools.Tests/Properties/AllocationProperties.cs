using FsCheck;
using FsCheck.Fluent;
using Ganeti.HTools.Allocation;
using Ganeti.HTools.Model;
using Ganeti.HTools.Tests.Generation;

namespace Ganeti.HTools.Tests.Properties;

/// <summary>Every allocation the allocator returns is valid, on any generated cluster and for any instance.</summary>
public sealed class AllocationProperties
{
    private sealed record Request(ClusterShape Shape, int Memory, int Disk, int Vcpus, string Template, int Count);

    private static readonly Gen<Request> Requests =
        from nodes in Gen.Choose(2, 9)
        from perNode in Gen.Choose(0, 5)
        from drbd in Gen.Elements(1.0, 0.7, 0.3)
        from off in Gen.Choose(0, 1)
        from groups in Gen.Choose(1, 2)
        from tags in Gen.Elements(false, true)
        from mem in Gen.Elements(16384, 32768, 65536)
        from seed in Gen.Choose(1, 100000)
        from imem in Gen.Choose(128, 24576)
        from disk in Gen.Choose(1024, 400000)
        from vcpus in Gen.Choose(1, 8)
        from template in Gen.Elements("drbd", "plain", "diskless", "file")
        from count in Gen.Choose(1, 6)
        select new Request(new ClusterShape
        {
            Nodes = nodes, Instances = nodes * perNode, DrbdFraction = drbd, OfflineNodes = Math.Min(off, nodes - 1),
            Groups = groups, ExclusionTags = tags, NodeMemory = mem, Seed = seed,
        }, imem, disk, vcpus, template, count);

    private static Instance NewInstance(int k, Request r) =>
        IAllocatorInput.ParseBaseInstance($"new{k}.example.com",
            Comparison.NewInstanceRequest.Of($"new{k}.example.com", r.Memory, r.Disk, r.Vcpus, r.Template));

    [Fact]
    public void EveryPlacementPassesTheNodeChecksAndKeepsTheClusterAsRedundantAsHailRequires()
    {
        int placed = 0, refused = 0;
        Prop.ForAll(Requests.ToArbitrary(), r =>
        {
            var cd = ClusterLoader.LoadText(ClusterGenerator.Generate(r.Shape));
            var alloc = new Allocator(cd);
            for (int k = 0; k < r.Count; k++)
            {
                var inst = NewInstance(k, r);
                int want = r.Template == "drbd" ? 2 : 1;
                var couldFailOver = cd.Nodes.Select(n => GlobalN1.CanFailOver(cd, n)).ToArray();
                var result = alloc.Allocate(inst, want);
                if (!result.Success) { refused++; continue; }
                placed++;
                var p = cd.Nodes[result.Primary];
                if (p.Offline || p.State.Offline) return false;
                var ps = p.State;
                if (ps.AddPri(p, inst, false) != FailMode.None) return false;
                if (want == 2)
                {
                    if (result.Secondary < 0 || result.Secondary == result.Primary) return false;
                    var s = cd.Nodes[result.Secondary];
                    if (s.Offline || s.Group != p.Group) return false;
                    var ss = s.State;
                    if (ss.AddSec(s, inst, p.Index, false) != FailMode.None) return false;
                }
                else if (result.Secondary >= 0) return false;
                if (cd.Groups[p.Group].AllocPolicy == AllocPolicy.Unallocable) return false;
                alloc.Place(inst, result.Primary, result.Secondary);
                // Hail's capacity rule: a new drbd instance keeps every drbd failover that was
                // possible possible; any other new instance leaves every node evacuable.
                if (want == 2)
                {
                    if (cd.Nodes.Any(n => couldFailOver[n.Index] && !GlobalN1.CanFailOver(cd, n))) return false;
                }
                else if (!GlobalN1.Redundant(cd)) return false;
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60));
        // Both outcomes occur, or the property would prove little.
        Assert.True(placed > 20 && refused > 0, $"{placed} placed, {refused} refused");
    }
}
