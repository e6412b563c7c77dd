using Ganeti.Core.Config;

namespace Ganeti.Master.LogicalUnits.Nodes;

/// <summary>
/// Ganeti's master candidate pool rules: the pool should hold candidate_pool_size nodes, or every
/// eligible node (online, not drained, master_capable) when there are fewer; the master is
/// always a candidate.
/// </summary>
public static class CandidatePool
{
    public static bool Eligible(Core.Config.Node n) => !n.Offline && !n.Drained && n.MasterCapable;

    /// <summary>Candidates now and how many there should be, leaving out <paramref name="except"/> (Ganeti's GetMasterCandidateStats).</summary>
    public static (int Now, int Should) Stats(ConfigData cfg, params string[] except)
    {
        var nodes = cfg.Nodes.Values.Where(n => !except.Contains(n.Uuid)).ToList();
        var now = nodes.Count(n => n.MasterCandidate);
        var eligible = nodes.Count(Eligible);
        return (now, Math.Min(eligible, cfg.Cluster.CandidatePoolSize));
    }

    /// <summary>Whether a node joining the pool's eligible nodes should become a candidate (Ganeti's _DecideSelfPromotion).</summary>
    public static bool ShouldPromote(ConfigData cfg, string nodeUuid)
    {
        var (now, should) = Stats(cfg, nodeUuid);
        return now < Math.Min(should + 1, cfg.Cluster.CandidatePoolSize);
    }

    /// <summary>Promotes eligible nodes (by name) until the pool is full; returns the promoted nodes (Ganeti's MaintainCandidatePool).</summary>
    public static IReadOnlyList<Core.Config.Node> Fill(ConfigData cfg, params string[] except)
    {
        var promoted = new List<Core.Config.Node>();
        var (now, should) = Stats(cfg, except);
        foreach (var n in cfg.Nodes.Values.Where(n => !n.MasterCandidate && Eligible(n) && !except.Contains(n.Uuid))
                     .OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            if (now >= should) break;
            n.MasterCandidate = true;
            promoted.Add(n);
            now++;
        }
        return promoted;
    }
}
