using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>One object tags are read from or written to.</summary>
public sealed record TagTarget(GntTagKind Kind, string? Name)
{
    public string Display => Kind == GntTagKind.Cluster ? "cluster" : $"{Kind.ToString().ToLowerInvariant()} {Name}";

    /// <summary>The target of a piped object: an instance, node, node group, cluster or tag.</summary>
    public static TagTarget? FromObject(object? o) => o switch
    {
        GntInstance i => new(GntTagKind.Instance, i.Name),
        GntNode n => new(GntTagKind.Node, n.Name),
        GntGroup g => new(GntTagKind.Group, g.Name),
        GntCluster => new(GntTagKind.Cluster, null),
        GntTag t => new(t.Kind, t.Kind == GntTagKind.Cluster ? null : t.Name),
        _ => null,
    };
}
