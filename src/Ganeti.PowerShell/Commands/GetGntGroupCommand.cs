using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Lists node groups (gnt-group list) in one bulk request.</summary>
[Cmdlet(VerbsCommon.Get, "GntGroup")]
[OutputType(typeof(GntGroup))]
public sealed class GetGntGroupCommand : GntCmdlet
{
    private readonly List<string> _names = [];

    /// <summary>Node group names; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("GroupName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(GroupNameCompleter))]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        if (Name is not null) _names.AddRange(Name);
    }

    protected override void EndProcessing()
    {
        IReadOnlyList<GntGroup> groups;
        try
        {
            groups = Run(ct => Client.GetGroupsAsync(ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, null);
            return;
        }
        CurrentConnection.Cache.Put("group", groups.Select(g => g.Name));
        var selection = NameSelection.Select(groups, g => g.Name, _names);
        foreach (var g in selection.Matched) WriteObject(g);
        foreach (var missing in selection.MissingNames) WriteFailure(GntErrorMap.NotFound("Group", missing), missing);
    }
}
