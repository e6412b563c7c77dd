namespace Ganeti.Remoting.Rapi.Model;

/// <summary>What a tag is attached to; Ganeti's TAG_* kinds reachable through RAPI.</summary>
public enum GntTagKind
{
    Cluster,
    Node,
    Instance,
    Group,
    Network,
}
