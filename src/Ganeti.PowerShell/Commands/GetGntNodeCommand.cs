using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Lists nodes (gnt-node list) in one bulk request.</summary>
[Cmdlet(VerbsCommon.Get, "GntNode")]
[OutputType(typeof(GntNode))]
public sealed class GetGntNodeCommand : GntCmdlet
{
    private readonly List<string> _names = [];

    /// <summary>Node names; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NodeName", "PrimaryNode")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        if (Name is not null) _names.AddRange(Name);
    }

    protected override void EndProcessing()
    {
        IReadOnlyList<GntNode> nodes;
        try
        {
            nodes = Run(ct => Client.GetNodesAsync(ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, null);
            return;
        }
        CurrentConnection.Cache.Put("node", nodes.Select(n => n.Name));
        var selection = NameSelection.Select(nodes, n => n.Name, _names);
        foreach (var n in selection.Matched) WriteObject(n);
        foreach (var missing in selection.MissingNames) WriteFailure(GntErrorMap.NotFound("Node", missing), missing);
    }
}
