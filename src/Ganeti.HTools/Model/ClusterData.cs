namespace Ganeti.HTools.Model;

/// <summary>A whole cluster as htools loads it: groups, nodes, instances, tags and the cluster policy.</summary>
public sealed class ClusterData
{
    public List<Group> Groups { get; init; } = new();
    public List<Node> Nodes { get; init; } = new();
    public List<Instance> Instances { get; init; } = new();
    public List<string> Tags { get; init; } = new();
    public IPolicy Policy { get; set; } = IPolicy.Default;

    public Node? FindNode(string name) => Nodes.Find(n => n.Name == name || n.Alias == name);
    public Instance? FindInstance(string name) => Instances.Find(i => i.Name == name || i.Alias == name);
    public Group? FindGroup(string nameOrUuid) => Groups.Find(g => g.Name == nameOrUuid || g.Uuid == nameOrUuid);
}
