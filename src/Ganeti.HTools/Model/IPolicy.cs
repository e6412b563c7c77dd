namespace Ganeti.HTools.Model;

/// <summary>An instance policy (cluster or group level).</summary>
public sealed record IPolicy(
    IReadOnlyList<MinMaxISpecs> MinMax,
    ISpec Std,
    IReadOnlyList<DiskTemplate> DiskTemplates,
    double VcpuRatio,
    double SpindleRatio)
{
    public static readonly IPolicy Default = new(
        new[] { new MinMaxISpecs(ISpec.DefaultMin, ISpec.DefaultMax) },
        ISpec.DefaultStd, Model.DiskTemplates.All, 4.0, 32.0);

    public IPolicy WithVcpuRatio(double r) => this with { VcpuRatio = r };
}
