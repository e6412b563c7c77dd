namespace Ganeti.HTools.Model;

/// <summary>One instance specification of an instance policy.</summary>
public sealed record ISpec(int MemorySize, int CpuCount, int DiskSize, int DiskCount, int NicCount, int SpindleUse)
{
    public static readonly ISpec DefaultMin = new(128, 1, 1024, 1, 1, 1);
    public static readonly ISpec DefaultStd = new(128, 1, 1024, 1, 1, 1);
    public static readonly ISpec DefaultMax = new(32768, 8, 1024 * 1024, 16, 8, 12);

    public string Serialize() => $"{MemorySize},{CpuCount},{DiskSize},{DiskCount},{NicCount},{SpindleUse}";
}

public sealed record MinMaxISpecs(ISpec Min, ISpec Max);
