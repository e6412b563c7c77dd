using System.Management.Automation;
using Ganeti.PowerShell.Completers;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Base of the job cmdlets that act on existing node groups by name (modify, remove,
/// evacuate). Names bind from the pipeline by property name, so Get-GntGroup pipes into them;
/// a name with wildcards is expanded with one listing per command; an exact name goes to the
/// master as given, which reports it if unknown.
/// </summary>
public abstract class GntGroupTargetCmdlet : GntJobCmdlet
{
    /// <summary>Node group names; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("GroupName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(GroupNameCompleter))]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord() => ForEachGroupName(Name, SubmitFor);

    /// <summary>Submits the job for one group (through <see cref="GntJobCmdlet.Submit"/>).</summary>
    protected abstract void SubmitFor(string group);
}
