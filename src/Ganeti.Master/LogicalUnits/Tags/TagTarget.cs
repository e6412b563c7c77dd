using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Master.Locking;

namespace Ganeti.Master.LogicalUnits.Tags;

/// <summary>Finds the object a tag operation is about, and checks tags as Ganeti does.</summary>
public static class TagTarget
{
    public const int MaxTagLength = 128;
    public const int MaxTagsPerObject = 4096;

    public static readonly System.Text.RegularExpressions.Regex ValidTag = new(@"^[\w.+*/:@-]+$");

    /// <summary>The tags list of the object (in the given configuration copy).</summary>
    public static List<string> TagsOf(ConfigData cfg, string kind, string? name) => kind switch
    {
        "cluster" => cfg.Cluster.Tags,
        "instance" => (cfg.FindInstance(Required(kind, name)) ?? throw GanetiException.NotFound("Instance", name!)).Tags,
        "node" => (cfg.FindNode(Required(kind, name)) ?? throw GanetiException.NotFound("Node", name!)).Tags,
        "nodegroup" => (cfg.FindGroup(Required(kind, name)) ?? throw GanetiException.NotFound("Node group", name!)).Tags,
        "network" => (cfg.FindNetwork(Required(kind, name)) ?? throw GanetiException.NotFound("Network", name!)).Tags,
        _ => throw GanetiException.WrongInput($"Unknown tag kind '{kind}' (cluster, instance, node, nodegroup, network)"),
    };

    private static string Required(string kind, string? name) =>
        string.IsNullOrEmpty(name) ? throw GanetiException.WrongInput($"Tags of a {kind} need the {kind}'s name") : name;

    public static LockRequest? Lock(ConfigData cfg, string kind, string? name, LockLevel level, bool shared)
    {
        return (kind, level) switch
        {
            ("instance", LockLevel.Instance) => LockRequest.Of(level, [(cfg.FindInstance(Required(kind, name)) ?? throw GanetiException.NotFound("Instance", name!)).Name], shared),
            ("node", LockLevel.Node) => LockRequest.Of(level, [(cfg.FindNode(Required(kind, name)) ?? throw GanetiException.NotFound("Node", name!)).Uuid], shared),
            ("nodegroup", LockLevel.NodeGroup) => LockRequest.Of(level, [(cfg.FindGroup(Required(kind, name)) ?? throw GanetiException.NotFound("Node group", name!)).Uuid], shared),
            ("network", LockLevel.Network) => LockRequest.Of(level, [(cfg.FindNetwork(Required(kind, name)) ?? throw GanetiException.NotFound("Network", name!)).Uuid], shared),
            _ => null,
        };
    }

    public static void CheckTag(string tag)
    {
        if (tag.Length == 0)
            throw GanetiException.WrongInput("Tag is empty");
        if (tag.Length > MaxTagLength)
            throw GanetiException.WrongInput($"Tag too long (>{MaxTagLength} characters): '{tag[..20]}...'");
        if (!ValidTag.IsMatch(tag))
            throw GanetiException.WrongInput($"Tag '{tag}' contains invalid characters (allowed: letters, digits and . + * / : @ - _)");
    }
}
