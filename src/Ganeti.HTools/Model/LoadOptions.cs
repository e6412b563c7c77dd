namespace Ganeti.HTools.Model;

/// <summary>Options applied while a cluster is loaded, as Ganeti's tools take them on the command line.</summary>
public sealed record LoadOptions
{
    /// <summary>Extra exclusion tag prefixes (--exclusion-tags), without the trailing colon.</summary>
    public IReadOnlyList<string> ExclusionTags { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> SelectedInstances { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> ExcludedInstances { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> OfflineNodes { get; init; } = Array.Empty<string>();
    public bool IgnoreDynu { get; init; }
    public double MinDiskRatio { get; init; }
    public double? MaxCpuRatio { get; init; }
}
