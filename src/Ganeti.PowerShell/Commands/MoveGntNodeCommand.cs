using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>
/// Moves nodes into a node group (gnt-group assign-nodes). All nodes of one command, piped or
/// named, go in one job, so the master checks the move as a whole: moving both nodes of a
/// mirrored instance together does not split it.
/// </summary>
[Cmdlet(VerbsCommon.Move, "GntNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntNode), typeof(GntJob))]
public sealed class MoveGntNodeCommand : GntJobCmdlet
{
    private readonly List<string> _nodes = [];
    /// <summary>Node names; wildcards allowed. Binds the Name or NodeName of piped objects (Get-GntNode).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NodeName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>The node group the nodes move to.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [Alias("GroupName")]
    [ArgumentCompleter(typeof(GroupNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Group { get; set; } = "";

    /// <summary>Move the nodes even when an instance's nodes end up in different groups (Ganeti's --force); the master then only warns.</summary>
    [Parameter]
    public SwitchParameter AllowInstanceSplit { get; set; }

    /// <summary>When the job succeeded, write the moved nodes as they are now.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => ForEachNodeName(Name, Add);

    private void Add(string node)
    {
        if (!_nodes.Contains(node, StringComparer.OrdinalIgnoreCase))
            _nodes.Add(node);
    }

    protected override void EndProcessing()
    {
        if (_nodes.Count > 0)
        {
            var nodes = _nodes.ToArray();
            var group = Group;
            Submit(string.Join(", ", nodes), $"Move to node group \"{group}\" (gnt-group assign-nodes)",
                (dryRun, ct) => Client.AssignGroupNodesAsync(group, nodes, AllowInstanceSplit, dryRun, Reason, ct), nodes);
        }
        base.EndProcessing();
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job)
    {
        WriteJobWarnings(job);
        if (!PassThru) return;
        IReadOnlyList<GntNode> all;
        try
        {
            all = Run(ct => Client.GetNodesAsync(ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, submitted.Target);
            return;
        }
        var moved = (string[])submitted.State!;
        foreach (var n in all.Where(n => moved.Contains(n.Name, StringComparer.OrdinalIgnoreCase)))
            WriteObject(n);
    }
}
