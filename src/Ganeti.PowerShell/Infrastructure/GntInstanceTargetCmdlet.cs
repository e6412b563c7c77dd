using System.Management.Automation;
using Ganeti.PowerShell.Completers;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Base of the job cmdlets that act on existing instances by name. Names bind from the pipeline
/// by property name; a name with wildcards is expanded with one listing per command; an exact
/// name goes to the master as given, which reports it if unknown.
/// </summary>
public abstract class GntInstanceTargetCmdlet : GntJobCmdlet
{
    /// <summary>Instance names; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InstanceNameCompleter))]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord() => ForEachInstanceName(Name, SubmitFor);

    /// <summary>Submits the job for one instance (through <see cref="GntJobCmdlet.Submit"/>).</summary>
    protected abstract void SubmitFor(string instance);
}
