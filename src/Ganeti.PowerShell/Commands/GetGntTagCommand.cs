using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Lists the tags of the cluster, instances, nodes or groups (gnt-cluster/gnt-instance/gnt-node list-tags).</summary>
[Cmdlet(VerbsCommon.Get, "GntTag", DefaultParameterSetName = ClusterSet)]
[OutputType(typeof(GntTag))]
public sealed class GetGntTagCommand : GntCmdlet
{
    private const string ClusterSet = "Cluster";
    private const string InstanceSet = "Instance";
    private const string NodeSet = "Node";
    private const string GroupSet = "Group";
    private const string InputObjectSet = "InputObject";

    /// <summary>Tags of the cluster itself (the default).</summary>
    [Parameter(ParameterSetName = ClusterSet)]
    public SwitchParameter Cluster { get; set; }

    /// <summary>Tags of these instances.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InstanceSet)]
    [ArgumentCompleter(typeof(Completers.InstanceNameCompleter))]
    public string[]? Instance { get; set; }

    /// <summary>Tags of these nodes.</summary>
    [Parameter(Mandatory = true, ParameterSetName = NodeSet)]
    [ArgumentCompleter(typeof(Completers.NodeNameCompleter))]
    public string[]? Node { get; set; }

    /// <summary>Tags of these node groups.</summary>
    [Parameter(Mandatory = true, ParameterSetName = GroupSet)]
    [ArgumentCompleter(typeof(Completers.GroupNameCompleter))]
    public string[]? Group { get; set; }

    /// <summary>An instance, node, node group or cluster object from the pipeline.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Only tags matching these patterns.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[]? Tag { get; set; }

    protected override void ProcessRecord()
    {
        var targets = ParameterSetName switch
        {
            InstanceSet => Instance!.Select(n => new TagTarget(GntTagKind.Instance, n)),
            NodeSet => Node!.Select(n => new TagTarget(GntTagKind.Node, n)),
            GroupSet => Group!.Select(n => new TagTarget(GntTagKind.Group, n)),
            InputObjectSet => TagTarget.FromObject(InputObject?.BaseObject) is { } t ? [t] : [],
            _ => [new TagTarget(GntTagKind.Cluster, null)],
        };
        var matchers = Tag?.Select(t => new WildcardMatcher(t)).ToList();
        foreach (var target in targets)
        {
            try
            {
                var tags = Run(ct => Client.GetTagsAsync(target.Kind, target.Name, ct));
                foreach (var tag in tags)
                    if (matchers is null || matchers.Any(m => m.IsMatch(tag)))
                        WriteObject(new GntTag { Kind = target.Kind, Name = target.Name ?? "", Tag = tag });
            }
            catch (RapiException ex) when (ex.Kind == RapiErrorKind.NotFound && target.Name is not null)
            {
                WriteFailure(GntErrorMap.NotFound(target.Kind.ToString(), target.Name), target.Name);
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteFailure(ex, target.Display);
            }
        }
    }
}
