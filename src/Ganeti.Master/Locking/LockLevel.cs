namespace Ganeti.Master.Locking;

/// <summary>Ganeti's lock levels, in the order they must be acquired.</summary>
public enum LockLevel
{
    /// <summary>The big Ganeti lock (BGL): one lock named "cluster".</summary>
    Cluster = 0,
    Instance = 1,
    NodeGroup = 2,
    Node = 3,
    NodeRes = 4,
    Network = 5,
}

public static class LockLevelNames
{
    public static string Name(this LockLevel level) => level switch
    {
        LockLevel.Cluster => "cluster",
        LockLevel.Instance => "instance",
        LockLevel.NodeGroup => "nodegroup",
        LockLevel.Node => "node",
        LockLevel.NodeRes => "node-res",
        LockLevel.Network => "network",
        _ => level.ToString(),
    };
}
