using Ganeti.HTools.Balancing;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;

namespace Ganeti.HTools.Allocation;

/// <summary>
/// Placement of new and existing instances (hail's algorithms): every feasible node or node
/// pair of a group is tried, the resulting cluster score decides, and groups are ranked by
/// allocation policy first.
/// </summary>
public sealed class Allocator
{
    private readonly ClusterData _cd;
    private readonly bool _force;

    private readonly bool _capacity, _drbdGlobal, _acceptExisting;
    private readonly IReadOnlyCollection<int>? _ignoredGroups;
    /// <summary>The node that could not be evacuated at the last refusal: checked first next time.</summary>
    private int _lastUnevacuable = -1;

    /// <param name="cd">The cluster.</param>
    /// <param name="ignoreSoftErrors">Skip the soft checks (N+1 reserve, vcpu ratio, tags).</param>
    /// <param name="capacityCheck">Keep the cluster globally N+1 redundant (see <see cref="GlobalN1"/>).</param>
    /// <param name="drbdGlobalCheck">A drbd placement must keep every node evacuable too, not only the drbd failovers possible.</param>
    /// <param name="acceptExisting">Offline nodes need not be evacuable.</param>
    /// <param name="ignoredGroups">Groups whose nodes' evacuability is not checked.</param>
    public Allocator(ClusterData cd, bool ignoreSoftErrors = false, bool capacityCheck = true, bool drbdGlobalCheck = false,
        bool acceptExisting = false, IReadOnlyCollection<int>? ignoredGroups = null)
    {
        _cd = cd;
        _force = ignoreSoftErrors;
        _capacity = capacityCheck;
        _drbdGlobal = drbdGlobalCheck;
        _acceptExisting = acceptExisting;
        _ignoredGroups = ignoredGroups;
    }

    /// <summary>
    /// Whether the cluster stays globally N+1 redundant with the instance placed there. For a
    /// drbd instance only failovers count, and only on the nodes whose drbd primaries could
    /// fail over before (<paramref name="failOverBefore"/>, computed on first use): hspace
    /// places drbd instances on clusters where some node's other instances have no room to
    /// move to, or some node could not fail over already.
    /// </summary>
    private bool KeepsRedundancy(Instance inst, int p, int s, ref bool[]? failOverBefore)
    {
        if (!_capacity) return true;
        var nodes = Nodes;
        bool drbd = inst.DiskTemplate == DiskTemplate.Drbd && !_drbdGlobal;
        if (drbd && failOverBefore is null)
        {
            failOverBefore = new bool[nodes.Length];
            foreach (var n in nodes) failOverBefore[n.Index] = GlobalN1.CanFailOver(_cd, n);
        }
        var saved = new List<(Node, NodeState)>();
        var probe = inst.Clone();
        probe.Index = _cd.Instances.Count;
        probe.PNode = p; probe.SNode = s;
        _cd.Instances.Add(probe);
        try
        {
            var pn = nodes[p];
            saved.Add((pn, pn.State));
            var ps = pn.State; ps.AddPri(pn, probe, true); pn.State = ps; pn.PList.Add(probe.Index);
            if (s >= 0)
            {
                var sn = nodes[s];
                saved.Add((sn, sn.State));
                var ss = sn.State; ss.AddSec(sn, probe, p, true); sn.State = ss;
            }
            if (!drbd)
            {
                int failing = GlobalN1.FirstUnevacuable(_cd, _acceptExisting, _ignoredGroups, _lastUnevacuable);
                if (failing >= 0) _lastUnevacuable = failing;
                return failing < 0;
            }
            foreach (var n in nodes)
            {
                if ((_acceptExisting && n.Offline) || (_ignoredGroups is not null && _ignoredGroups.Contains(n.Group))) continue;
                if (failOverBefore![n.Index] && !GlobalN1.CanFailOver(_cd, n)) return false;
            }
            return true;
        }
        finally
        {
            nodes[p].PList.Remove(probe.Index);
            foreach (var (n, st) in saved) n.State = st;
            _cd.Instances.RemoveAt(_cd.Instances.Count - 1);
        }
    }

    private Node[] Nodes => _cd.Nodes.ToArray();

    private ScoreBoard Board(Node[] nodes) => new(nodes, Enumerable.Range(0, nodes.Length),
        nodes.Any(n => n.LocationTags.Count > 0) && _cd.Instances.Any(i => i.ExclTags.Length > 0));

    /// <summary>Best nodes for a new instance in one group.</summary>
    public AllocResult AllocateInGroup(Instance inst, int reqNodes, int group, ISet<int>? excluded = null)
        => AllocateAmong(inst, reqNodes, n => n.Group == group && (excluded is null || !excluded.Contains(n.Index)), group);

    /// <summary>
    /// Best nodes for a new instance among all the online nodes of the given groups at once, as
    /// hspace allocates: every node (or pair of nodes of one group) competes on the cluster
    /// score, whatever its group's allocation policy, and the failures count over all of them.
    /// Groups whose policy is unallocable take nothing.
    /// </summary>
    public AllocResult AllocateAcrossGroups(Instance inst, int reqNodes, IReadOnlyCollection<int> groups)
    {
        var allowed = groups.Where(g => _cd.Groups[g].AllocPolicy != AllocPolicy.Unallocable).ToHashSet();
        var r = AllocateAmong(inst, reqNodes, n => allowed.Contains(n.Group), -1);
        return r.Success ? r with { Group = _cd.Nodes[r.Primary].Group } : r;
    }

    private AllocResult AllocateAmong(Instance inst, int reqNodes, Func<Node, bool> eligible, int group)
    {
        var nodes = Nodes;
        var board = Board(nodes);
        var fails = new Dictionary<FailMode, int>();
        void Fail(FailMode f) => fails[f] = fails.TryGetValue(f, out var c) ? c + 1 : 1;
        var cands = nodes.Where(n => !n.Offline && eligible(n)).ToList();
        var sols = new List<(double Score, int P, int S)>();
        bool anyLoc = nodes.Any(n => n.LocationTags.Count > 0);
        var t = new Touched();
        foreach (var p in cands)
        {
            var pol = PolicyCheck.MatchesPolicy(inst, p.Policy, p.State.ExclStorage);
            if (reqNodes == 1)
            {
                if (pol != FailMode.None) { Fail(pol); continue; }
                t.Reset();
                ref var ps = ref t.Get(nodes, p.Index);
                inst.LocationScore = 0;
                var r = ps.AddPri(p, inst, _force);
                if (r != FailMode.None) { Fail(r); continue; }
                double sc = board.Evaluate(t, board.MapDelta(inst, -1, p.Index));
                sols.Add((sc, p.Index, -1));
                continue;
            }
            foreach (var s in cands)
            {
                if (s.Index == p.Index || s.Group != p.Group) continue;
                if (pol != FailMode.None) { Fail(pol); continue; }
                t.Reset();
                inst.LocationScore = anyLoc ? p.LocationTags.Intersect(s.LocationTags).Count() : 0;
                ref var ps = ref t.Get(nodes, p.Index);
                var r = ps.AddPri(p, inst, _force);
                if (r != FailMode.None) { Fail(r); continue; }
                ref var ss = ref t.Get(nodes, s.Index);
                r = ss.AddSec(s, inst, p.Index, false);
                if (r != FailMode.None) { Fail(r); continue; }
                double sc = board.Evaluate(t, board.MapDelta(inst, -1, p.Index));
                sols.Add((sc, p.Index, s.Index));
            }
        }
        double best = double.PositiveInfinity;
        int bp = -1, bs = -1;
        // Between equally good placements the one tried last wins, as in hspace.
        var ordered = sols.Select((c, k) => (c, k)).OrderBy(x => x.c.Score).ThenByDescending(x => x.k).Select(x => x.c);
        bool[]? failOverBefore = null;
        foreach (var c in ordered)
        {
            if (KeepsRedundancy(inst, c.P, c.S, ref failOverBefore)) { best = c.Score; bp = c.P; bs = c.S; break; }
            Fail(FailMode.N1);
        }
        string info = string.Join(", ", fails.OrderBy(k => k.Key).Select(k => $"Fail{(k.Key == FailMode.Cpu ? "CPU" : k.Key.ToString())}: {k.Value}"));
        if (bp < 0)
            return new AllocResult(false, -1, -1, best, group, cands.Count == 0 ? "No online nodes" : info, fails);
        return new AllocResult(true, bp, bs, best, group, info, fails);
    }

    /// <summary>Best group and nodes for a new instance (preferred groups before last-resort ones).</summary>
    public AllocResult Allocate(Instance inst, int reqNodes, IEnumerable<int>? allowedGroups = null)
    {
        var groups = (allowedGroups ?? _cd.Nodes.Select(n => n.Group).Distinct()).OrderBy(g => g).ToList();
        var results = new List<AllocResult>();
        var msgs = new List<string>();
        var allFails = new Dictionary<FailMode, int>();
        foreach (var g in groups)
        {
            if (_cd.Groups[g].AllocPolicy == AllocPolicy.Unallocable) continue;
            var r = AllocateInGroup(inst, reqNodes, g);
            msgs.Add($"Group {_cd.Groups[g].Name} (score: {r.Score:0.########}): {r.Info}");
            if (r.Success) results.Add(r);
            foreach (var (k, v) in r.Failures) allFails[k] = (allFails.TryGetValue(k, out var c) ? c : 0) + v;
        }
        var best = results.OrderBy(r => _cd.Groups[r.Group].AllocPolicy).ThenBy(r => r.Score).FirstOrDefault();
        if (best is null)
            return new AllocResult(false, -1, -1, double.PositiveInfinity, -1, string.Join(", ", msgs), allFails);
        return best with { Info = $"Selected group: {_cd.Groups[best.Group].Name}, " + string.Join(", ", msgs) };
    }

    /// <summary>Adds a new instance to the cluster on the given nodes (after a successful allocation).</summary>
    public Instance Place(Instance inst, int primary, int secondary)
    {
        var nodes = Nodes;
        inst.Index = _cd.Instances.Count;
        inst.PNode = primary;
        inst.SNode = secondary;
        inst.LocationScore = secondary >= 0 ? nodes[primary].LocationTags.Intersect(nodes[secondary].LocationTags).Count() : 0;
        if (inst.Alias.Length == 0) inst.Alias = inst.Name;
        _cd.Instances.Add(inst);
        var p = nodes[primary];
        var ps = p.State;
        if (ps.AddPri(p, inst, true) != FailMode.None) throw new InvalidOperationException("placement failed");
        p.CommitAddPri(inst);
        p.State = ps;
        if (secondary >= 0)
        {
            var s = nodes[secondary];
            var ss = s.State;
            if (ss.AddSec(s, inst, primary, true) != FailMode.None) throw new InvalidOperationException("placement failed");
            s.CommitAddSec(inst, primary);
            s.State = ss;
        }
        return inst;
    }

    /// <summary>Best single move of an existing instance among the given kinds and targets; applies it when found.</summary>
    public (bool Ok, Placement? Placement, string Info) BestMove(Instance inst, IEnumerable<Move> moves, bool apply = true)
    {
        var nodes = Nodes;
        var board = Board(nodes);
        bool anyLoc = nodes.Any(n => n.LocationTags.Count > 0);
        var sim = new MoveSimulator(nodes, anyLoc);
        var t = new Touched();
        double best = double.PositiveInfinity;
        Move? bm = null;
        int fails = 0;
        foreach (var mv in moves)
        {
            if (!sim.Simulate(inst, mv, _force, ref t)) { fails++; continue; }
            double sc = board.Evaluate(t, mv.Kind == MoveKind.ReplaceSecondary ? 0 : board.MapDelta(inst, inst.PNode, t.NewPrimary));
            if (sc < best) { best = sc; bm = mv; }
        }
        if (bm is null) return (false, null, $"No valid move among the candidates ({fails} failed)");
        if (!apply) return (true, null, "");
        sim.Simulate(inst, bm.Value, _force, ref t);
        int op = inst.PNode, os = inst.SNode;
        sim.Commit(inst, t);
        return (true, new Placement(inst.Index, t.NewPrimary, t.NewSecondary, bm.Value, Metrics.Score(nodes), op, os), "");
    }
}
