using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Lists instances (gnt-instance list) in one bulk request, however many names are asked for.</summary>
[Cmdlet(VerbsCommon.Get, "GntInstance")]
[OutputType(typeof(GntInstance))]
public sealed class GetGntInstanceCommand : GntCmdlet
{
    private readonly List<string> _names = [];

    /// <summary>Instance names; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InstanceNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only instances whose primary or secondary node matches; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string[]? Node { get; set; }

    /// <summary>Ask the master for these query fields only (e.g. status, oper_ram); the others stay empty.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Property { get; set; }

    protected override void ProcessRecord()
    {
        if (Name is not null) _names.AddRange(Name);
    }

    protected override void EndProcessing()
    {
        IReadOnlyList<GntInstance> instances;
        try
        {
            var fields = Property is null ? null : InstanceFields.ForQuery(Property, Node is not null);
            instances = Run(ct => fields is null ? Client.GetInstancesAsync(ct) : Client.QueryInstancesAsync(fields, ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, null);
            return;
        }
        CurrentConnection.Cache.Put("instance", instances.Select(i => i.Name));
        var selection = NameSelection.Select(instances, i => i.Name, _names);
        var matched = selection.Matched;
        if (Node is { Length: > 0 })
        {
            var nodes = Node.Select(n => new WildcardMatcher(n)).ToList();
            matched = matched.Where(i => nodes.Any(m =>
                (i.PrimaryNode is { } p && m.IsMatch(p)) || i.SecondaryNodes.Any(m.IsMatch))).ToList();
        }
        foreach (var i in matched) WriteObject(i);
        foreach (var missing in selection.MissingNames) WriteFailure(GntErrorMap.NotFound("Instance", missing), missing);
    }
}
