namespace Ganeti.Core.Config;

/// <summary>
/// The whole cluster configuration: config.data. One document with one serial_no, written by
/// the master only. Tables are keyed by UUID, as in Ganeti.
/// </summary>
public sealed class ConfigData
{
    public int Version { get; set; } = ProjectInfo.ConfigVersion;
    public Cluster Cluster { get; set; } = new();
    public Dictionary<string, Node> Nodes { get; set; } = [];
    public Dictionary<string, NodeGroup> Nodegroups { get; set; } = [];
    public Dictionary<string, Instance> Instances { get; set; } = [];
    public Dictionary<string, Network> Networks { get; set; } = [];
    public Dictionary<string, Disk> Disks { get; set; } = [];
    public Dictionary<string, System.Text.Json.JsonElement> Filters { get; set; } = [];
    public long SerialNo { get; set; } = 1;
    public double Ctime { get; set; }
    public double Mtime { get; set; }

    public Node? FindNode(string nameOrUuid) =>
        Nodes.TryGetValue(nameOrUuid, out var n) ? n : Nodes.Values.FirstOrDefault(x => x.Name == nameOrUuid);

    public Instance? FindInstance(string nameOrUuid) =>
        Instances.TryGetValue(nameOrUuid, out var i) ? i : Instances.Values.FirstOrDefault(x => x.Name == nameOrUuid);

    public NodeGroup? FindGroup(string nameOrUuid) =>
        Nodegroups.TryGetValue(nameOrUuid, out var g) ? g : Nodegroups.Values.FirstOrDefault(x => x.Name == nameOrUuid);

    public Network? FindNetwork(string nameOrUuid) =>
        Networks.TryGetValue(nameOrUuid, out var n) ? n : Networks.Values.FirstOrDefault(x => x.Name == nameOrUuid);

    [System.Text.Json.Serialization.JsonIgnore]
    public Node MasterNode => Nodes[Cluster.MasterNode];

    /// <summary>The disks of an instance, in order.</summary>
    public IReadOnlyList<Disk> InstanceDisks(Instance inst) =>
        inst.Disks.Select(d => Disks[d]).ToList();

    /// <summary>Node UUIDs an instance touches: primary first, then the disks' other nodes.</summary>
    public IReadOnlyList<string> InstanceNodes(Instance inst)
    {
        var result = new List<string> { inst.PrimaryNode };
        foreach (var d in InstanceDisks(inst))
            foreach (var n in d.Nodes)
                if (!result.Contains(n)) result.Add(n);
        return result;
    }

    public IReadOnlyList<string> SecondaryNodes(Instance inst) => InstanceNodes(inst).Skip(1).ToList();
}
