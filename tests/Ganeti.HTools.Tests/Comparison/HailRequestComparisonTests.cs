using System.Text.Json.Nodes;
using Ganeti.HTools.Allocation;
using Ganeti.HTools.Model;
using Ganeti.HTools.Tests.Generation;
using Ganeti.HTools.Text;

namespace Ganeti.HTools.Tests.Comparison;

/// <summary>
/// The IAllocator requests other than a single allocation (relocate, node-evacuate in its three
/// modes, change-group, multi-allocate, allocate-secondary), sent to Ganeti's hail and to ours on
/// the generated shapes: wherever hail places an instance we place it too, and every placement we
/// return passes the node checks (memory, disk, CPU ratio, spindles, exclusion tags) when applied
/// in order to the cluster.
/// </summary>
public sealed class HailRequestComparisonTests
{
    public static TheoryData<string> Shapes()
    {
        var data = HbalComparisonTests.Shapes();
        foreach (var s in new[]
        {
            new ClusterShape { Nodes = 8, Instances = 24, Groups = 2, Seed = 31 },
            new ClusterShape { Nodes = 9, Instances = 30, Groups = 3, DrbdFraction = 0.7, OfflineNodes = 1, Seed = 32 },
        })
            data.Add(System.Text.Json.JsonSerializer.Serialize(s));
        return data;
    }

    /// <summary>Both answers to the same request on the same cluster text.</summary>
    private static (JsonObject Theirs, JsonObject Ours) Both(string text, JsonObject request)
    {
        var input = IAllocatorInput.Build(TextLoader.Parse(text), request);
        return (GanetiTools.Hail(input), JsonNode.Parse(IAllocatorService.Process(input))!.AsObject());
    }

    private static ClusterData Load(string text) => ClusterLoader.Finish(TextLoader.Parse(text), new LoadOptions());

    /// <summary>
    /// Moves an instance onto the given nodes in the model through the moves Ganeti's jobs make
    /// (failover, replace the secondary, or both), each with the node checks of a normal move;
    /// false if a node refuses one.
    /// </summary>
    private static bool Relocate(ClusterData cd, Instance inst, int np, int ns, bool failoverMayLoseN1 = false)
    {
        var sim = new Ganeti.HTools.Balancing.MoveSimulator(cd.Nodes.ToArray(), cd.Nodes.Any(n => n.LocationTags.Count > 0));
        bool Do(Ganeti.HTools.Balancing.MoveKind kind, int target)
        {
            var t = new Ganeti.HTools.Balancing.Touched();
            bool lenient = failoverMayLoseN1 && kind == Ganeti.HTools.Balancing.MoveKind.Failover;
            if (!sim.Simulate(inst, new Ganeti.HTools.Balancing.Move(kind, target), lenient, ref t)) return false;
            if (lenient)
            {
                // Only N+1 redundancy may be lost: the CPU ratio and exclusion tags still hold.
                var node = cd.Nodes[inst.SNode];
                for (int k = 0; k < t.Count; k++)
                    if (t.IndexAt(k) == inst.SNode && t.StateAt(k).VcpuRatio < t.StateAt(k).UCpu / t.StateAt(k).TCpu) return false;
                if (inst.ExclTags.Any(node.PTags.ContainsKey)) return false;
            }
            sim.Commit(inst, t);
            return true;
        }
        int op = inst.PNode, os = inst.SNode;
        if (!inst.HasSecondary)
            return np == op || Do(Ganeti.HTools.Balancing.MoveKind.FailoverToAny, np);
        if (np == op && ns == os) return true;
        if (np == os && ns == op) return Do(Ganeti.HTools.Balancing.MoveKind.Failover, -1);
        if (np == op) return Do(Ganeti.HTools.Balancing.MoveKind.ReplaceSecondary, ns);
        if (np == os) return Do(Ganeti.HTools.Balancing.MoveKind.FailoverAndReplace, ns);
        if (ns == op) return Do(Ganeti.HTools.Balancing.MoveKind.ReplaceAndFailover, np);
        if (ns == os) return Do(Ganeti.HTools.Balancing.MoveKind.ReplacePrimary, np);
        return Do(Ganeti.HTools.Balancing.MoveKind.ReplaceAndFailover, np) && Do(Ganeti.HTools.Balancing.MoveKind.ReplaceSecondary, ns);
    }

    private static int NodeIndex(ClusterData cd, JsonNode? name) => (cd.FindNode((string)name!) ?? throw new InvalidOperationException($"unknown node {name}")).Index;

    private static string Generated(string shapeJson) =>
        ClusterGenerator.Generate(System.Text.Json.JsonSerializer.Deserialize<ClusterShape>(shapeJson)!);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RelocatingASecondarySucceedsWhereHailDoesOntoAValidNode(string shapeJson)
    {
        var text = Generated(shapeJson);
        var cd = Load(text);
        var candidates = cd.Instances.Where(i => i.DiskTemplate == DiskTemplate.Drbd && i.SNode >= 0 && !cd.Nodes[i.PNode].Offline).Take(6).ToList();
        Assert.NotEmpty(candidates);
        int placed = 0;
        foreach (var inst in candidates)
        {
            var request = new JsonObject
            {
                ["type"] = "relocate", ["name"] = inst.Name, ["required_nodes"] = 1,
                ["relocate_from"] = new JsonArray(cd.Nodes[inst.SNode].Name),
            };
            var (theirs, ours) = Both(text, request);
            if ((bool)theirs["success"]!)
                Assert.True((bool)ours["success"]!, $"hail relocated {inst.Name} ({theirs["result"]!.ToJsonString()}) but we did not: {ours["info"]}");
            if (!(bool)ours["success"]!) continue;
            placed++;
            var fresh = Load(text);
            var me = fresh.FindInstance(inst.Name)!;
            int ns = NodeIndex(fresh, ours["result"]![0]);
            Assert.NotEqual(me.PNode, ns);
            Assert.NotEqual(me.SNode, ns);
            Assert.Equal(fresh.Nodes[me.PNode].Group, fresh.Nodes[ns].Group);
            Assert.False(fresh.Nodes[ns].Offline);
            Assert.True(Relocate(fresh, me, me.PNode, ns), $"{me.Name}: the new secondary {fresh.Nodes[ns].Name} is refused by the node checks");
        }
        Assert.True(placed > 0, "no relocation succeeded on this shape: the test would prove nothing");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EvacuatingANodeMovesEveryInstanceHailMovesOntoValidNodes(string shapeJson)
    {
        var text = Generated(shapeJson);
        var probe = Load(text);
        var nodes = probe.Nodes.Where(n => !n.Offline && (n.PList.Count > 0 || n.SList.Count > 0)).Take(2).ToList();
        foreach (var node in nodes)
            foreach (var mode in new[] { "all", "primary-only", "secondary-only" })
            {
                var names = probe.Instances
                    .Where(i => (mode != "secondary-only" && i.PNode == node.Index) || (mode != "primary-only" && i.HasSecondary && i.SNode == node.Index))
                    .Where(i => mode != "secondary-only" || i.HasSecondary)
                    .Select(i => i.Name).ToList();
                if (names.Count == 0) continue;
                var request = new JsonObject
                {
                    ["type"] = "node-evacuate", ["evac_mode"] = mode,
                    ["instances"] = new JsonArray(names.Select(n => (JsonNode?)n).ToArray()),
                };
                var (theirs, ours) = Both(text, request);
                string where = $"evacuating {node.Name} ({mode})";
                Assert.True((bool)ours["success"]!, $"{where}: {ours["info"]}");
                var theirsMoved = theirs["result"]![0]!.AsArray().Select(m => (string)m![0]!).ToHashSet();
                var oursMoved = ours["result"]![0]!.AsArray().Select(m => (string)m![0]!).ToHashSet();
                Assert.True(oursMoved.Count >= theirsMoved.Count,
                    $"{where}: hail moved {theirsMoved.Count} ({string.Join(", ", theirsMoved)}), we moved {oursMoved.Count} ({string.Join(", ", oursMoved)})");
                Assert.Equal(names.Count, oursMoved.Count + ours["result"]![1]!.AsArray().Count);

                var cd = Load(text);
                foreach (var moved in ours["result"]![0]!.AsArray())
                {
                    var inst = cd.FindInstance((string)moved![0]!)!;
                    var to = moved[2]!.AsArray().Select(x => NodeIndex(cd, x)).ToList();
                    Assert.DoesNotContain(node.Index, mode switch
                    {
                        "primary-only" => to.Take(1),
                        "secondary-only" => to.Skip(1),
                        _ => to,
                    });
                    Assert.All(to, t => Assert.False(cd.Nodes[t].Offline, $"{where}: {inst.Name} placed on offline {cd.Nodes[t].Name}"));
                    // A primary-only evacuation fails over even where the secondary then lacks
                    // room for N+1 redundancy, as Ganeti's hail does.
                    Assert.True(Relocate(cd, inst, to[0], to.Count > 1 ? to[1] : Instance.NoNode, failoverMayLoseN1: mode == "primary-only"),
                        $"{where}: {inst.Name} onto {moved[2]!.ToJsonString()} is refused by the node checks");
                }
            }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ChangingGroupMovesEveryInstanceHailMovesIntoTheTargetGroup(string shapeJson)
    {
        var text = Generated(shapeJson);
        var probe = Load(text);
        var groups = probe.Groups.Where(g => probe.Nodes.Any(n => n.Group == g.Index && !n.Offline)).ToList();
        if (groups.Count < 2) return; // one group: nothing to change to
        var from = groups[0];
        var target = groups[1];
        var names = probe.Instances.Where(i => probe.Nodes[i.PNode].Group == from.Index && i.DiskTemplate == DiskTemplate.Drbd)
            .Take(4).Select(i => i.Name).ToList();
        Assert.NotEmpty(names);
        var request = new JsonObject
        {
            ["type"] = "change-group",
            ["instances"] = new JsonArray(names.Select(n => (JsonNode?)n).ToArray()),
            ["target_groups"] = new JsonArray(target.Uuid),
        };
        var (theirs, ours) = Both(text, request);
        Assert.True((bool)ours["success"]!, (string?)ours["info"]);
        var theirsMoved = theirs["result"]![0]!.AsArray().Select(m => (string)m![0]!).ToHashSet();
        var oursMoved = ours["result"]![0]!.AsArray().Select(m => (string)m![0]!).ToHashSet();
        Assert.True(oursMoved.Count >= theirsMoved.Count,
            $"hail moved {theirsMoved.Count} ({string.Join(", ", theirsMoved)}), we moved {oursMoved.Count} ({string.Join(", ", oursMoved)})");
        var cd = Load(text);
        foreach (var moved in ours["result"]![0]!.AsArray())
        {
            var inst = cd.FindInstance((string)moved![0]!)!;
            Assert.Equal(target.Name, (string)moved[1]!);
            var to = moved[2]!.AsArray().Select(x => NodeIndex(cd, x)).ToList();
            Assert.All(to, t => Assert.Equal(target.Index, cd.Nodes[t].Group));
            Assert.True(Relocate(cd, inst, to[0], to.Count > 1 ? to[1] : Instance.NoNode),
                $"{inst.Name} onto {moved[2]!.ToJsonString()} is refused by the node checks");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiAllocationPlacesEveryInstanceHailPlacesAndEachFits(string shapeJson)
    {
        var text = Generated(shapeJson);
        foreach (var template in new[] { "drbd", "plain" })
        {
            var wanted = new[] { 2048, 8192, 4096, 16384, 1024, 12288 }
                .Select((mem, k) => NewInstanceRequest.Of($"new{k}.example.com", mem, 20480 * (k % 3 + 1), k % 4 + 1, template)).ToList();
            var request = new JsonObject
            {
                ["type"] = "multi-allocate",
                ["instances"] = new JsonArray(wanted.Select(w => (JsonNode?)w.DeepClone()).ToArray()),
            };
            var (theirs, ours) = Both(text, request);
            Assert.True((bool)ours["success"]!, (string?)ours["info"]);
            // hail refuses the whole request when no instance can be placed (for example on a
            // cluster that is not N+1 redundant to begin with).
            var theirsOk = (bool)theirs["success"]! ? theirs["result"]![0]!.AsArray().Select(m => (string)m![0]!).ToHashSet() : [];
            var oursOk = ours["result"]![0]!.AsArray().Select(m => (string)m![0]!).ToHashSet();
            Assert.True(oursOk.Count >= theirsOk.Count,
                $"{template}: hail placed {theirsOk.Count} ({string.Join(", ", theirsOk)}), we placed {oursOk.Count} ({string.Join(", ", oursOk)})");
            var cd = Load(text);
            var alloc = new Allocator(cd);
            foreach (var placed in ours["result"]![0]!.AsArray())
            {
                var req = wanted.Single(w => (string)w["name"]! == (string)placed![0]!);
                var inst = IAllocatorInput.ParseBaseInstance((string)req["name"]!, req);
                var to = placed![1]!.AsArray().Select(x => NodeIndex(cd, x)).ToList();
                Assert.Equal(template == "drbd" ? 2 : 1, to.Count);
                var p = cd.Nodes[to[0]];
                var ps = p.State;
                Assert.Equal(FailMode.None, ps.AddPri(p, inst, false));
                if (to.Count == 2)
                {
                    Assert.Equal(p.Group, cd.Nodes[to[1]].Group);
                    var s = cd.Nodes[to[1]];
                    var ss = s.State;
                    Assert.Equal(FailMode.None, ss.AddSec(s, inst, p.Index, false));
                }
                alloc.Place(inst, to[0], to.Count == 2 ? to[1] : Instance.NoNode);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AllocatingASecondarySucceedsWhereHailDoesOntoAValidNode(string shapeJson)
    {
        var text = Generated(shapeJson);
        var probe = Load(text);
        var plain = probe.Instances.Where(i => i.DiskTemplate == DiskTemplate.Plain && !probe.Nodes[i.PNode].Offline).Take(4).ToList();
        if (plain.Count == 0) return; // an all-drbd shape has no instance without a secondary
        foreach (var inst in plain)
        {
            var (theirs, ours) = Both(text, new JsonObject { ["type"] = "allocate-secondary", ["name"] = inst.Name });
            if ((bool)theirs["success"]!)
                Assert.True((bool)ours["success"]!, $"hail found a secondary for {inst.Name} ({theirs["result"]!.ToJsonString()}) but we did not: {ours["info"]}");
            if (!(bool)ours["success"]!) continue;
            var cd = Load(text);
            var me = cd.FindInstance(inst.Name)!;
            int ns = NodeIndex(cd, ours["result"]);
            Assert.NotEqual(me.PNode, ns);
            Assert.Equal(cd.Nodes[me.PNode].Group, cd.Nodes[ns].Group);
            var probeDrbd = me.Clone();
            probeDrbd.DiskTemplate = DiskTemplate.Drbd;
            var s = cd.Nodes[ns].State;
            Assert.Equal(FailMode.None, s.AddSec(cd.Nodes[ns], probeDrbd, me.PNode, false));
        }
    }
}
