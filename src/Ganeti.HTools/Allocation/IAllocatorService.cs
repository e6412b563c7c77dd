using System.Text.Json.Nodes;
using Ganeti.HTools.Balancing;
using Ganeti.HTools.Model;

namespace Ganeti.HTools.Allocation;

/// <summary>Answers IAllocator requests (what hail does): allocate, relocate, node-evacuate, change-group, multi-allocate, allocate-secondary.</summary>
public static class IAllocatorService
{
    public static string Process(string json)
    {
        JsonObject resp;
        try
        {
            var input = IAllocatorInput.Parse(json);
            ClusterLoader.Finish(input.Cluster, new LoadOptions());
            resp = Handle(input);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or KeyNotFoundException or NullReferenceException)
        {
            resp = Response(false, "Request failed: " + e.Message, new JsonArray());
        }
        return resp.ToJsonString();
    }

    private static JsonObject Response(bool ok, string info, JsonNode? result) => new() { ["success"] = ok, ["info"] = info, ["result"] = result };

    private static JsonArray Names(ClusterData cd, IEnumerable<int> nodes) => new(nodes.Select(n => (JsonNode)JsonValue.Create(cd.Nodes[n].Name)!).ToArray());

    private static void ApplyTags(ClusterData cd, Instance inst)
    {
        var prefixes = cd.Tags.Where(t => t.StartsWith(TagPrefixes.Exclusion, StringComparison.Ordinal))
            .Select(t => t[TagPrefixes.Exclusion.Length..]).Where(t => t.Length > 0).ToList();
        inst.ExclTags = inst.Tags.Where(t => prefixes.Any(p => t.StartsWith(p, StringComparison.Ordinal))).ToArray();
        var dsrd = cd.Tags.Where(t => t.StartsWith(TagPrefixes.DesiredLocation, StringComparison.Ordinal))
            .Select(t => t[TagPrefixes.DesiredLocation.Length..]).Where(t => t.Length > 0).ToList();
        inst.DesiredLocations = inst.Tags.Where(t => dsrd.Any(p => t.StartsWith(p, StringComparison.Ordinal))).ToHashSet();
    }

    public static JsonObject Handle(IAllocatorInput input)
    {
        var cd = input.Cluster;
        var req = input.Request;
        var alloc = new Allocator(cd);
        switch (input.Type)
        {
            case "allocate":
            {
                var inst = IAllocatorInput.ParseBaseInstance((string)req["name"]!, req);
                ApplyTags(cd, inst);
                int reqNodes = (int)(double)req["required_nodes"]!;
                IEnumerable<int>? groups = req["group_name"] is JsonValue gv && cd.FindGroup((string)gv!) is Group g ? new[] { g.Index } : null;
                var r = alloc.Allocate(inst, reqNodes, groups);
                return r.Success ? Response(true, "Request successful: " + r.Info, Names(cd, r.Nodes))
                                 : Response(false, "Request failed: " + r.Info, new JsonArray());
            }
            case "multi-allocate":
            {
                var ok = new JsonArray();
                var failed = new JsonArray();
                foreach (var item in req["instances"]!.AsArray())
                {
                    var r0 = item!.AsObject();
                    var inst = IAllocatorInput.ParseBaseInstance((string)r0["name"]!, r0);
                    ApplyTags(cd, inst);
                    var r = alloc.Allocate(inst, (int)(double)r0["required_nodes"]!);
                    if (!r.Success) { failed.Add(inst.Name); continue; }
                    alloc.Place(inst, r.Primary, r.Secondary);
                    ok.Add(new JsonArray(inst.Name, Names(cd, r.Nodes)));
                }
                return Response(true, "Request successful", new JsonArray(ok, failed));
            }
            case "relocate":
            {
                var inst = cd.FindInstance((string)req["name"]!) ?? throw new ArgumentException($"Unknown instance '{req["name"]}'");
                var from = req["relocate_from"]?.AsArray().Select(x => cd.FindNode((string)x!)?.Index ?? -1).ToHashSet() ?? new HashSet<int>();
                if (inst.MirrorType == MirrorType.External || inst.DiskTemplate == DiskTemplate.Diskless)
                {
                    // Shared storage: the instance itself moves (a migration or failover to any node of its group).
                    if (!from.SetEquals(new[] { inst.PNode }))
                        return Response(false, "Request failed: Unsupported request: excluded nodes not equal to instance's primary", new JsonArray());
                    var candidates = cd.Nodes.Where(n => n.Group == cd.Nodes[inst.PNode].Group && !n.Offline && n.Index != inst.PNode);
                    var (okp, pp, infop) = alloc.BestMove(inst, candidates.Select(n => new Move(MoveKind.FailoverToAny, n.Index)));
                    return okp ? Response(true, "Request successful", Names(cd, new[] { pp!.NewPrimary }))
                               : Response(false, "Request failed: " + infop, new JsonArray());
                }
                if (inst.DiskTemplate != DiskTemplate.Drbd)
                    return Response(false, "Request failed: Can't relocate non-mirrored instances", new JsonArray());
                if (!from.SetEquals(new[] { inst.SNode }))
                    return Response(false, $"Request failed: Unsupported request: excluded nodes not equal to instance's secondary", new JsonArray());
                var targets = cd.Nodes.Where(n => n.Group == cd.Nodes[inst.PNode].Group && !n.Offline
                    && n.Index != inst.PNode && n.Index != inst.SNode && !from.Contains(n.Index));
                var (okm, pl, info) = alloc.BestMove(inst, targets.Select(n => new Move(MoveKind.ReplaceSecondary, n.Index)));
                return okm ? Response(true, "Request successful", Names(cd, new[] { pl!.NewSecondary }))
                           : Response(false, "Request failed: " + info, new JsonArray());
            }
            case "allocate-secondary":
            {
                var inst = cd.FindInstance((string)req["name"]!) ?? throw new ArgumentException($"Unknown instance '{req["name"]}'");
                var probe = inst.Clone();
                probe.DiskTemplate = DiskTemplate.Drbd;
                var (best, score) = (-1, double.PositiveInfinity);
                foreach (var n in cd.Nodes.Where(n => n.Group == cd.Nodes[inst.PNode].Group && !n.Offline && n.Index != inst.PNode))
                {
                    var s = n.State;
                    if (s.AddSec(n, probe, inst.PNode, false) != FailMode.None) continue;
                    var saved = n.State;
                    n.State = s;
                    double sc = Scoring.Metrics.Score(cd.Nodes.Where(x => x.Group == n.Group));
                    n.State = saved;
                    if (sc < score) { score = sc; best = n.Index; }
                }
                return best >= 0 ? Response(true, "Request successful", JsonValue.Create(cd.Nodes[best].Name))
                                 : Response(false, "Request failed: no node can hold the secondary", new JsonArray());
            }
            case "node-evacuate":
            case "change-group":
                return Evacuate(cd, alloc, req, input.Type);
            default:
                return Response(false, $"Request failed: Invalid request type '{input.Type}'", new JsonArray());
        }
    }

    private static JsonObject Evacuate(ClusterData cd, Allocator alloc, JsonObject req, string type)
    {
        var names = req["instances"]!.AsArray().Select(x => (string)x!).ToList();
        var insts = names.Select(n => cd.FindInstance(n) ?? throw new ArgumentException($"Unknown instance '{n}'")).ToList();
        string mode = (string?)req["evac_mode"] ?? "all";
        var moved = new JsonArray();
        var failed = new JsonArray();
        var jobs = new JsonArray();
        var excluded = new HashSet<int>();
        if (type == "node-evacuate")
            foreach (var i in insts)
            {
                if (mode != "secondary-only") excluded.Add(i.PNode);
                if (mode != "primary-only" && i.SNode >= 0) excluded.Add(i.SNode);
            }
        List<int>? targetGroups = type == "change-group"
            ? req["target_groups"]?.AsArray().Select(x => cd.FindGroup((string)x!)?.Index ?? -1).Where(g => g >= 0).ToList()
            : null;
        foreach (var inst in insts)
        {
            var steps = new List<Placement>();
            string? error = null;
            int group = cd.Nodes[inst.PNode].Group;
            if (type == "change-group")
            {
                var groups = (targetGroups is { Count: > 0 } ? targetGroups : cd.Groups.Select(g => g.Index).ToList()).Where(g => g != group).ToList();
                error = ChangeGroup(cd, alloc, inst, groups, steps);
            }
            else
            {
                IEnumerable<int> Targets(params int[] not) => cd.Nodes
                    .Where(n => n.Group == group && !n.Offline && !excluded.Contains(n.Index) && !not.Contains(n.Index)).Select(n => n.Index);
                if (inst.DiskTemplate == DiskTemplate.Drbd)
                {
                    if (mode == "primary-only")
                        FailoverToSecondary(cd, inst, steps, ref error);
                    else if (mode == "secondary-only")
                        Step(alloc, inst, Targets(inst.PNode, inst.SNode).Select(t => new Move(MoveKind.ReplaceSecondary, t)), steps, ref error);
                    else
                    {
                        Step(alloc, inst, Targets(inst.PNode, inst.SNode).Select(t => new Move(MoveKind.ReplaceAndFailover, t)), steps, ref error);
                        if (error is null && excluded.Contains(inst.SNode))
                            Step(alloc, inst, Targets(inst.PNode, inst.SNode).Select(t => new Move(MoveKind.ReplaceSecondary, t)), steps, ref error);
                    }
                }
                else if (inst.MirrorType == MirrorType.External)
                {
                    if (mode == "secondary-only") error = "Instances with shared storage have no secondary node";
                    else Step(alloc, inst, Targets(inst.PNode).Select(t => new Move(MoveKind.FailoverToAny, t)), steps, ref error);
                }
                else error = $"Instance with disk template {DiskTemplates.ToRaw(inst.DiskTemplate)} cannot be moved";
            }
            if (error is not null) { failed.Add(new JsonArray(inst.Name, error)); continue; }
            moved.Add(new JsonArray(inst.Name, cd.Groups[cd.Nodes[inst.PNode].Group].Name, Names(cd, inst.AllNodes)));
            var ops = new JsonArray();
            foreach (var p in steps) foreach (var op in JobPlanner.OpCodes(cd, p)) ops.Add(op);
            if (ops.Count > 0) jobs.Add(ops);
        }
        return Response(true, $"Request successful: {failed.Count} instances failed to move and {moved.Count} were moved successfully",
            new JsonArray(moved, failed, jobs));
    }

    /// <summary>
    /// A primary-only evacuation of a drbd instance has one possible move, the failover to its
    /// secondary. As with Ganeti's hail, it is not refused because it leaves the secondary without
    /// room for N+1 redundancy (the node is to be emptied for maintenance, and refusing would leave
    /// the instance on it); the CPU ratio, exclusion tags and free memory are still checked.
    /// </summary>
    private static void FailoverToSecondary(ClusterData cd, Instance inst, List<Placement> steps, ref string? error)
    {
        if (error is not null) return;
        if (inst.SNode < 0) { error = "Instance has no secondary node"; return; }
        var target = cd.Nodes[inst.SNode];
        var st = target.State;
        int ucpu = inst.NotOffline ? st.UCpu + inst.Vcpus : st.UCpu;
        if (st.VcpuRatio >= 0 && !target.Offline && st.VcpuRatio < ucpu / st.TCpu) { error = "FailCPU"; return; }
        if (inst.ExclTags.Any(target.PTags.ContainsKey)) { error = "FailTags"; return; }
        Step(new Allocator(cd, ignoreSoftErrors: true), inst, new[] { Move.Failover }, steps, ref error);
    }

    private static void Step(Allocator alloc, Instance inst, IEnumerable<Move> moves, List<Placement> steps, ref string? error)
    {
        if (error is not null) return;
        var (ok, p, info) = alloc.BestMove(inst, moves);
        if (ok) steps.Add(p!); else error = info;
    }

    private static string? ChangeGroup(ClusterData cd, Allocator alloc, Instance inst, List<int> groups, List<Placement> steps)
    {
        if (inst.DiskTemplate != DiskTemplate.Drbd) return "Only drbd instances can change group here";
        var probe = inst.Clone();
        AllocResult? best = null;
        foreach (var g in groups)
        {
            var r = alloc.AllocateInGroup(probe, 2, g);
            if (r.Success && (best is null || (cd.Groups[g].AllocPolicy, r.Score).CompareTo((cd.Groups[best.Group].AllocPolicy, best.Score)) < 0)) best = r;
        }
        if (best is null) return "No target group can hold the instance";
        // Secondary to the new primary, fail over onto it, then the secondary to its final node.
        int op = inst.PNode, os = inst.SNode;
        var nodes = cd.Nodes;
        void Force(Move m)
        {
            var sim = new MoveSimulator(nodes.ToArray(), false);
            var t = new Touched();
            if (!sim.Simulate(inst, m, true, ref t)) throw new InvalidOperationException("group change step failed");
            int p0 = inst.PNode, s0 = inst.SNode;
            sim.Commit(inst, t);
            steps.Add(new Placement(inst.Index, t.NewPrimary, t.NewSecondary, m, 0, p0, s0));
        }
        Force(new Move(MoveKind.ReplaceAndFailover, best.Primary));
        Force(new Move(MoveKind.ReplaceSecondary, best.Secondary));
        _ = op; _ = os;
        return null;
    }
}
