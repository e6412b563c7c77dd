using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Ganeti.HTools.Model;
using Ganeti.HTools.Text;

namespace Ganeti.HTools.Balancing;

/// <summary>
/// Turns a balancing plan into jobs (one per move, as opcodes) and groups consecutive jobs
/// that touch disjoint nodes into job sets that can run in parallel, like hbal -C.
/// </summary>
public static class JobPlanner
{
    public static (string Moves, List<string> Commands) Describe(ClusterData cd, Placement p, bool useAlias = true)
    {
        var inst = cd.Instances[p.Instance];
        string inam = useAlias ? inst.Alias : inst.Name;
        string c = cd.Nodes[p.NewPrimary].Alias;
        string d = p.NewSecondary >= 0 ? cd.Nodes[p.NewSecondary].Alias : "";
        string morf = inst.IsRunning ? "migrate" : "failover";
        string mig = $"{morf} -f {inam}";
        string Rep(string n) => $"replace-disks -n {n} {inam}";
        return p.Move.Kind switch
        {
            MoveKind.Failover => ("f", new List<string> { mig }),
            MoveKind.FailoverToAny => ($"fa:{c}", new List<string> { $"{morf} -f -n {c} {inam}" }),
            MoveKind.FailoverAndReplace => ($"f r:{d}", new List<string> { mig, Rep(d) }),
            MoveKind.ReplaceSecondary => ($"r:{d}", new List<string> { Rep(d) }),
            MoveKind.ReplaceAndFailover => ($"r:{c} f", new List<string> { Rep(c), mig }),
            _ => ($"f r:{c} f", new List<string> { mig, Rep(c), mig }),
        };
    }

    /// <summary>The solution line hbal prints for each step.</summary>
    public static string SolutionLine(ClusterData cd, Placement p, int pos, int nmlen, int imlen)
    {
        int pmlen = 2 * nmlen + 1;
        var inst = cd.Instances[p.Instance];
        string ostr = p.OldSecondary < 0 ? cd.Nodes[p.OldPrimary].Alias : $"{cd.Nodes[p.OldPrimary].Alias}:{cd.Nodes[p.OldSecondary].Alias}";
        string nstr = p.NewSecondary < 0 ? cd.Nodes[p.NewPrimary].Alias : $"{cd.Nodes[p.NewPrimary].Alias}:{cd.Nodes[p.NewSecondary].Alias}";
        var (moves, _) = Describe(cd, p);
        return string.Format(CultureInfo.InvariantCulture, "  {0,3}. {1} {2} => {3} {4,12} a={5}",
            pos, inst.Alias.PadRight(imlen), ostr.PadRight(pmlen), nstr.PadRight(pmlen), HaskellShow.Fixed(p.Score).PadLeft(12), moves);
    }

    public static List<JsonObject> OpCodes(ClusterData cd, Placement p)
    {
        var inst = cd.Instances[p.Instance];
        JsonObject Mig(string? target) => inst.Forthcoming
            ? new JsonObject
            {
                ["OP_ID"] = "OP_INSTANCE_FAILOVER", ["instance_name"] = inst.Name, ["shutdown_timeout"] = 120,
                ["ignore_consistency"] = false, ["target_node"] = target, ["ignore_ipolicy"] = false,
                ["iallocator"] = null, ["cleanup"] = false,
            }
            : new JsonObject
            {
                ["OP_ID"] = "OP_INSTANCE_MIGRATE", ["instance_name"] = inst.Name, ["mode"] = null, ["live"] = null,
                ["target_node"] = target, ["allow_runtime_changes"] = false, ["ignore_ipolicy"] = false,
                ["cleanup"] = false, ["iallocator"] = null, ["allow_failover"] = true, ["ignore_hvversions"] = true,
            };
        JsonObject Rep(int node) => new()
        {
            ["OP_ID"] = "OP_INSTANCE_REPLACE_DISKS", ["instance_name"] = inst.Name, ["early_release"] = false,
            ["ignore_ipolicy"] = false, ["mode"] = "replace_new_secondary", ["disks"] = new JsonArray(),
            ["remote_node"] = cd.Nodes[node].Name, ["iallocator"] = null,
        };
        return p.Move.Kind switch
        {
            MoveKind.Failover => new() { Mig(null) },
            MoveKind.FailoverToAny => new() { Mig(cd.Nodes[p.NewPrimary].Name) },
            MoveKind.ReplacePrimary => new() { Mig(null), Rep(p.NewPrimary), Mig(null) },
            MoveKind.ReplaceSecondary => new() { Rep(p.NewSecondary) },
            MoveKind.ReplaceAndFailover => new() { Rep(p.NewPrimary), Mig(null) },
            _ => new() { Mig(null), Rep(p.NewSecondary) },
        };
    }

    public static MoveJob ToJob(ClusterData cd, Placement p)
    {
        var nodes = new List<int>();
        foreach (var n in new[] { p.NewPrimary, p.NewSecondary, p.OldPrimary, cd.Instances[p.Instance].HasSecondary ? p.OldSecondary : -1 })
            if (n >= 0 && !nodes.Contains(n)) nodes.Add(n);
        return new MoveJob(nodes, p, Describe(cd, p).Commands, OpCodes(cd, p));
    }

    /// <summary>Groups jobs into sets of jobs that touch disjoint nodes (Ganeti's splitJobs).</summary>
    public static List<List<MoveJob>> SplitJobs(IReadOnlyList<MoveJob> jobs)
    {
        // Ganeti folds over the moves from last to first, adding a move to the current set
        // while its nodes are disjoint from the set's nodes.
        var sets = new List<List<MoveJob>>();
        var buf = new HashSet<int>();
        for (int k = jobs.Count - 1; k >= 0; k--)
        {
            var j = jobs[k];
            if (sets.Count > 0 && !j.Nodes.Any(buf.Contains))
            {
                sets[0].Insert(0, j);
                buf.UnionWith(j.Nodes);
            }
            else
            {
                sets.Insert(0, new List<MoveJob> { j });
                buf = new HashSet<int>(j.Nodes);
            }
        }
        return sets;
    }

    /// <summary>The command listing hbal -C prints.</summary>
    public static string FormatCommands(IReadOnlyList<List<MoveJob>> sets)
    {
        var sb = new StringBuilder();
        for (int s = 0; s < sets.Count; s++)
        {
            sb.Append("  \n");
            sb.Append($"  echo jobset {s + 1}, {sets[s].Count} jobs\n");
            for (int j = 0; j < sets[s].Count; j++)
            {
                sb.Append($"    echo job {s + 1}/{j + 1}\n");
                foreach (var c in sets[s][j].Commands) sb.Append("    gnt-instance ").Append(c).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>The plan as JSON: a list of job sets, each a list of jobs, each a list of opcodes.</summary>
    public static JsonArray ToJson(IReadOnlyList<List<MoveJob>> sets)
    {
        var arr = new JsonArray();
        foreach (var set in sets)
        {
            var js = new JsonArray();
            foreach (var job in set)
            {
                var ops = new JsonArray();
                foreach (var op in job.OpCodes) ops.Add(op.DeepClone());
                js.Add(ops);
            }
            arr.Add(js);
        }
        return arr;
    }
}
