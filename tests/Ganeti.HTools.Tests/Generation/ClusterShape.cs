namespace Ganeti.HTools.Tests.Generation;

/// <summary>What kind of cluster to generate.</summary>
public sealed record ClusterShape
{
    public int Nodes { get; init; } = 4;
    public int Instances { get; init; } = 8;
    public int Groups { get; init; } = 1;
    /// <summary>Fraction of instances that use drbd (the rest are plain).</summary>
    public double DrbdFraction { get; init; } = 1.0;
    public int OfflineNodes { get; init; }
    /// <summary>Nodes written with '?' (unknown resources).</summary>
    public int UnknownNodes { get; init; }
    /// <summary>How strongly instances pile onto the first nodes (0 = uniform).</summary>
    public double Skew { get; init; } = 0.7;
    public bool ExclusionTags { get; init; }
    public bool LocationTags { get; init; }
    public bool GroupPolicies { get; init; }
    public bool DownInstances { get; init; } = true;
    /// <summary>Write the old, shorter field lists.</summary>
    public bool OldFormat { get; init; }
    public int NodeMemory { get; init; } = 65536;
    public int NodeCpus { get; init; } = 32;
    public int NodeDisk { get; init; } = 2 * 1024 * 1024;
    public int Seed { get; init; } = 1;

    public override string ToString()
        => $"n{Nodes}-i{Instances}-g{Groups}-drbd{DrbdFraction:0.##}-off{OfflineNodes}-unk{UnknownNodes}"
           + $"{(ExclusionTags ? "-ex" : "")}{(LocationTags ? "-loc" : "")}{(GroupPolicies ? "-pol" : "")}{(OldFormat ? "-old" : "")}-s{Seed}";
}
