using System.Text;
using Ganeti.HTools.Allocation;
using Ganeti.HTools.Balancing;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;
using Ganeti.HTools.Text;

namespace Ganeti.HTools.Cli;

public static partial class HToolsCli
{
    /// <summary>One group's (or the whole cluster's) health figures as hcheck reports them.</summary>
    private sealed record HealthStats(int N1Fail, int Conflicts, int OfflinePri, int OfflineSec, int Gn1Fail, double Score)
    {
        public bool Problems(bool capacity) => N1Fail > 0 || Conflicts > 0 || OfflinePri > 0 || OfflineSec > 0 || (capacity && Gn1Fail > 0);

        public static HealthStats Sum(IEnumerable<HealthStats> all)
        {
            var l = all.ToList();
            return new(l.Sum(s => s.N1Fail), l.Sum(s => s.Conflicts), l.Sum(s => s.OfflinePri), l.Sum(s => s.OfflineSec),
                l.Sum(s => s.Gn1Fail), 0);
        }
    }

    /// <summary>
    /// hcheck: the health of each group and of the cluster; when something is wrong (N+1
    /// failures, exclusion-tag conflicts, instances on offline nodes, nodes that cannot be
    /// evacuated) the figures after simulating hbal on every group, and exit code 1.
    /// </summary>
    private static int RunHcheck(CliOptions o, TextWriter output, TextWriter err)
    {
        if (o.Args.Count > 0) return Fail(err, "Error: This program doesn't take any arguments.");
        var cd = LoadCluster(o, err);
        var groups = GroupsWithNodes(cd);
        bool capacity = !o.NoCapacityChecks;
        var initial = groups.Select(g => Health(cd, g)).ToList();
        var initialCluster = HealthStats.Sum(initial);
        bool needRebalance = initialCluster.Problems(capacity);
        bool simulate = !o.NoSimulation && needRebalance;
        var final = initial;
        if (simulate)
        {
            var after = LoadClusterQuietly(o);
            var opts = BalanceOptionsOf(o);
            foreach (var g in groups) Balancer.ForGroup(after, g, opts).Run();
            final = groups.Select(g => Health(after, g)).ToList();
        }
        var finalCluster = HealthStats.Sum(final);

        if (o.MachineReadable)
        {
            var sb = new StringBuilder();
            for (int k = 0; k < groups.Count; k++) sb.Append(F("HCHECK_GROUP_UUID_{0}='{1}'\n", k, cd.Groups[groups[k]].Uuid));
            void Keys(string phase, List<HealthStats> per, HealthStats all)
            {
                void Stat(string scope, HealthStats s)
                {
                    sb.Append(F("HCHECK_{0}_{1}_N1_FAIL={2}\n", phase, scope, s.N1Fail));
                    sb.Append(F("HCHECK_{0}_{1}_CONFLICT_TAGS={2}\n", phase, scope, s.Conflicts));
                    sb.Append(F("HCHECK_{0}_{1}_OFFLINE_PRI={2}\n", phase, scope, s.OfflinePri));
                    sb.Append(F("HCHECK_{0}_{1}_OFFLINE_SEC={2}\n", phase, scope, s.OfflineSec));
                    if (capacity) sb.Append(F("HCHECK_{0}_{1}_GN1_FAIL={2}\n", phase, scope, s.Gn1Fail));
                }
                for (int k = 0; k < per.Count; k++)
                {
                    Stat(F("GROUP_{0}", k), per[k]);
                    sb.Append(F("HCHECK_{0}_GROUP_{1}_SCORE={2}\n", phase, k, HaskellShow.Fixed(per[k].Score)));
                }
                Stat("CLUSTER", all);
                sb.Append(F("HCHECK_{0}_CLUSTER_NEED_REBALANCE={1}\n", phase, needRebalance ? 1 : 0));
            }
            Keys("INIT", initial, initialCluster);
            Keys("FINAL", final, finalCluster);
            sb.Append("HCHECK_OK=1\n");
            output.Write(sb.ToString());
        }
        else if (o.Verbose > 0)
        {
            var sb = new StringBuilder();
            sb.Append(o.NoSimulation ? "Running in no-simulation mode.\n"
                : needRebalance ? "Cluster needs rebalancing.\n" : "No need to rebalance cluster, no problems found.\n");
            void Block(string title, HealthStats s, string last)
            {
                sb.Append('\n').Append(title).Append('\n');
                sb.Append(F("    Nodes not N+1 happy: {0}\n", s.N1Fail));
                sb.Append(F("    Nodes with conflicting instances: {0}\n", s.Conflicts));
                sb.Append(F("    Instances having the primary node offline: {0}\n", s.OfflinePri));
                sb.Append(F("    Instances having a secondary node offline: {0}\n", s.OfflineSec));
                if (capacity) sb.Append(F("    Nodes not directly evacuateable: {0}\n", s.Gn1Fail));
                sb.Append("    ").Append(last).Append('\n');
            }
            void Phase(string phase, List<HealthStats> per, HealthStats all)
            {
                for (int k = 0; k < per.Count; k++)
                    Block($"Statistics for group {cd.Groups[groups[k]].Name} {phase}", per[k], "Group score: " + HaskellShow.Fixed(per[k].Score));
                Block($"Cluster statistics {phase}", all, "Cluster is not healthy: " + (needRebalance ? "True" : "False"));
            }
            Phase("initially", initial, initialCluster);
            if (simulate) Phase("after rebalancing", final, finalCluster);
            output.Write(sb.ToString());
        }
        return simulate ? 1 : 0;
    }

    private static HealthStats Health(ClusterData cd, int group)
    {
        var nodes = cd.Nodes.Where(n => n.Group == group).ToList();
        var offline = nodes.Where(n => n.Offline).Select(n => n.Index).ToHashSet();
        return new HealthStats(
            nodes.Count(n => !n.Offline && n.State.FailN1),
            nodes.Count(n => n.State.Conflicting > 0),
            cd.Instances.Count(i => offline.Contains(i.PNode)),
            // Ganeti's "instances having a secondary node offline" counts the offline nodes.
            offline.Count,
            nodes.Count(n => !GlobalN1.CanEvacuate(cd, n)),
            Metrics.Score(nodes));
    }

    /// <summary>hbal's balancing options as given on the command line (hbal and hcheck share them).</summary>
    internal static BalanceOptions BalanceOptionsOf(CliOptions o) => new()
    {
        DiskMoves = !o.NoDiskMoves, InstanceMoves = !o.NoInstanceMoves, RestrictedMigration = o.RestrictedMigration,
        IgnoreSoftErrors = o.IgnoreSoftErrors, EvacMode = o.EvacMode, MinGain = o.MinGain,
        MinGainLimit = o.MinGainLimit, MaxLength = o.MaxLength, MinScore = o.MinScore, Parallel = !o.SingleThreaded,
    };
}
