namespace Ganeti.Remoting.Rapi.Model;

/// <summary>One tag on one object (<c>gnt-instance list-tags</c> prints one per line).</summary>
public sealed class GntTag
{
    public GntTagKind Kind { get; init; }
    /// <summary>The tagged object's name; for the cluster, the cluster name or empty.</summary>
    public string Name { get; init; } = "";
    public required string Tag { get; init; }

    public override string ToString() => Tag;
}
