using Ganeti.HTools.Model;

namespace Ganeti.HTools.Balancing;

/// <summary>
/// Applies a move to copies of the affected node states, with Ganeti's checks, without
/// changing the cluster. The same code commits a chosen move, so evaluation and
/// execution cannot disagree.
/// </summary>
public sealed class MoveSimulator(Node[] nodes, bool anyLocationTags)
{
    public Node[] Nodes { get; } = nodes;

    /// <summary>Whether any node has location tags (otherwise every location score is 0).</summary>
    internal bool AnyLocationTags => anyLocationTags;

    /// <summary>The number of failure domains nodes <paramref name="a"/> and <paramref name="b"/> share.</summary>
    internal int LocScore(int a, int b)
    {
        if (!anyLocationTags || a < 0 || b < 0) return 0;
        int n = 0;
        var tb = Nodes[b].LocationTags;
        foreach (var t in Nodes[a].LocationTags) if (tb.Contains(t)) n++;
        return n;
    }

    /// <summary>Simulates <paramref name="mv"/>; false if a node refuses it.</summary>
    public bool Simulate(Instance inst, Move mv, bool force, ref Touched t)
    {
        t.Reset();
        int op = inst.PNode, os = inst.SNode;
        var n = Nodes;
        var saved = inst.LocationScore;
        switch (mv.Kind)
        {
            case MoveKind.Failover:
            {
                if (!Node.CanMigrate(n[op], n[os])) return false;
                bool offP = n[op].Offline;
                ref var p = ref t.Get(n, op);
                p.RemovePri(n[op], inst);
                ref var s = ref t.Get(n, os);
                s.RemoveSec(n[os], inst);
                if (s.AddPri(n[os], inst, offP || force) != FailMode.None) return false;
                if (p.AddSec(n[op], inst, os, offP || force, ignoreDisks: offP) != FailMode.None) return false;
                t.NewPrimary = os; t.NewSecondary = op; t.NewLocationScore = saved;
                return true;
            }
            case MoveKind.FailoverToAny:
            {
                int np = mv.Target;
                if (!Node.CanMigrate(n[op], n[np])) return false;
                bool f = n[op].Offline || force;
                ref var tgt = ref t.Get(n, np);
                if (tgt.AddPri(n[np], inst, f) != FailMode.None) return false;
                ref var p = ref t.Get(n, op);
                p.RemovePri(n[op], inst);
                t.NewPrimary = np; t.NewSecondary = os; t.NewLocationScore = saved;
                return true;
            }
            case MoveKind.ReplacePrimary:
            {
                int np = mv.Target;
                if (!Node.CanMigrate(n[op], n[os]) || !Node.CanMigrate(n[os], n[np])) return false;
                bool f = n[op].Offline || force;
                int loc = LocScore(np, os);
                ref var p = ref t.Get(n, op);
                p.RemovePri(n[op], inst);
                ref var s = ref t.Get(n, os);
                s.RemoveSec(n[os], inst);
                // The instance passes through the secondary (failover) before its disks move.
                var probe = s;
                inst.LocationScore = loc;
                try
                {
                    if (probe.AddPri(n[os], inst, f) != FailMode.None) return false;
                    ref var tg = ref t.Get(n, np);
                    if (tg.AddPri(n[np], inst, f) != FailMode.None) return false;
                    ref var s2 = ref t.Get(n, os);
                    if (s2.AddSec(n[os], inst, np, f) != FailMode.None) return false;
                }
                finally { inst.LocationScore = saved; }
                t.NewPrimary = np; t.NewSecondary = os; t.NewLocationScore = loc;
                return true;
            }
            case MoveKind.ReplaceSecondary:
            {
                int ns = mv.Target;
                bool f = n[os].Offline || force;
                int loc = LocScore(op, ns);
                ref var p = ref t.Get(n, op);
                p.RemovePri(n[op], inst, tags: false);
                ref var s = ref t.Get(n, os);
                s.RemoveSec(n[os], inst);
                inst.LocationScore = loc;
                try
                {
                    ref var tg = ref t.Get(n, ns);
                    if (tg.AddSec(n[ns], inst, op, f) != FailMode.None) return false;
                    ref var p2 = ref t.Get(n, op);
                    if (p2.AddPri(n[op], inst, true, tags: false) != FailMode.None) return false;
                }
                finally { inst.LocationScore = saved; }
                t.NewPrimary = op; t.NewSecondary = ns; t.NewLocationScore = loc;
                return true;
            }
            case MoveKind.ReplaceAndFailover:
            {
                int np = mv.Target;
                if (!Node.CanMigrate(n[op], n[np])) return false;
                bool fs = n[os].Offline || force;
                int loc = LocScore(np, op);
                ref var p = ref t.Get(n, op);
                p.RemovePri(n[op], inst);
                ref var s = ref t.Get(n, os);
                s.RemoveSec(n[os], inst);
                inst.LocationScore = loc;
                try
                {
                    ref var tg = ref t.Get(n, np);
                    if (tg.AddPri(n[np], inst, force) != FailMode.None) return false;
                    ref var p2 = ref t.Get(n, op);
                    if (p2.AddSec(n[op], inst, np, fs) != FailMode.None) return false;
                }
                finally { inst.LocationScore = saved; }
                t.NewPrimary = np; t.NewSecondary = op; t.NewLocationScore = loc;
                return true;
            }
            case MoveKind.FailoverAndReplace:
            {
                int ns = mv.Target;
                if (!Node.CanMigrate(n[op], n[os])) return false;
                bool f = n[op].Offline || force;
                int loc = LocScore(os, ns);
                ref var p = ref t.Get(n, op);
                p.RemovePri(n[op], inst);
                ref var s = ref t.Get(n, os);
                s.RemoveSec(n[os], inst);
                inst.LocationScore = loc;
                try
                {
                    if (s.AddPri(n[os], inst, f) != FailMode.None) return false;
                    ref var tg = ref t.Get(n, ns);
                    if (tg.AddSec(n[ns], inst, os, f) != FailMode.None) return false;
                }
                finally { inst.LocationScore = saved; }
                t.NewPrimary = os; t.NewSecondary = ns; t.NewLocationScore = loc;
                return true;
            }
        }
        return false;
    }

    /// <summary>Makes a simulated move real: node states, node collections and the instance.</summary>
    public void Commit(Instance inst, in Touched t)
    {
        int op = inst.PNode, os = inst.SNode;
        var n = Nodes;
        n[op].CommitRemovePri(inst);
        if (os != Instance.NoNode) n[os].CommitRemoveSec(inst, op);
        inst.PNode = t.NewPrimary;
        inst.SNode = t.NewSecondary;
        inst.LocationScore = t.NewLocationScore;
        n[t.NewPrimary].CommitAddPri(inst);
        if (t.NewSecondary != Instance.NoNode && inst.HasSecondary) n[t.NewSecondary].CommitAddSec(inst, t.NewPrimary);
        for (int k = 0; k < t.Count; k++) n[t.IndexAt(k)].State = t.StateAt(k);
    }
}
