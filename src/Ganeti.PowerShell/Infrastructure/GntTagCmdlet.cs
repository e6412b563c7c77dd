using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// What the tag cmdlets share: the object to tag is the cluster (-Cluster), named instances,
/// nodes or groups (-Instance, -Node, -Group), or whatever comes down the pipeline
/// (GntInstance, GntNode, GntCluster, GntTag).
/// </summary>
public abstract class GntTagCmdlet : GntJobCmdlet
{
    protected const string ClusterSet = "Cluster";
    protected const string InstanceSet = "Instance";
    protected const string NodeSet = "Node";
    protected const string GroupSet = "Group";
    protected const string InputObjectSet = "InputObject";

    /// <summary>Tags of the cluster itself.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ClusterSet)]
    public SwitchParameter Cluster { get; set; }

    /// <summary>Tags of these instances.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InstanceSet)]
    [ArgumentCompleter(typeof(InstanceNameCompleter))]
    public string[]? Instance { get; set; }

    /// <summary>Tags of these nodes.</summary>
    [Parameter(Mandatory = true, ParameterSetName = NodeSet)]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string[]? Node { get; set; }

    /// <summary>Tags of these node groups.</summary>
    [Parameter(Mandatory = true, ParameterSetName = GroupSet)]
    [ArgumentCompleter(typeof(GroupNameCompleter))]
    public string[]? Group { get; set; }

    /// <summary>An instance, node, node group, cluster or tag object from the pipeline.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    protected IEnumerable<TagTarget> Targets()
    {
        switch (ParameterSetName)
        {
            case ClusterSet:
                yield return new TagTarget(GntTagKind.Cluster, null);
                break;
            case InstanceSet:
                foreach (var n in Instance!) yield return new TagTarget(GntTagKind.Instance, n);
                break;
            case NodeSet:
                foreach (var n in Node!) yield return new TagTarget(GntTagKind.Node, n);
                break;
            case GroupSet:
                foreach (var n in Group!) yield return new TagTarget(GntTagKind.Group, n);
                break;
            default:
                var target = TagTarget.FromObject(InputObject?.BaseObject);
                if (target is null)
                {
                    WriteFailure(new GntErrorInfo("GntTagTargetInvalid", "InvalidType", false,
                        $"Cannot tag a {InputObject?.BaseObject?.GetType().Name ?? "null"}: pipe instances, nodes, node groups, the cluster or tags."), InputObject);
                    yield break;
                }
                yield return target;
                break;
        }
    }
}
