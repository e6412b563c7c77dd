namespace Ganeti.HTools.Model;

/// <summary>A node group.</summary>
public sealed class Group
{
    public required string Name { get; set; }
    public required string Uuid { get; init; }
    public int Index { get; set; }
    public AllocPolicy AllocPolicy { get; set; } = AllocPolicy.Preferred;
    public List<string> Tags { get; set; } = new();
    public List<string> Networks { get; set; } = new();
    public IPolicy Policy { get; set; } = IPolicy.Default;
}
