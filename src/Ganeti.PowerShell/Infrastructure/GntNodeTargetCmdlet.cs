using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Base of the job cmdlets that act on existing nodes by name (remove, modify, drain). Names
/// bind from the pipeline by property name, so Get-GntNode pipes into them; a name with
/// wildcards is expanded with one listing per command; an exact name goes to the master as
/// given, which reports it if unknown.
/// </summary>
public abstract class GntNodeTargetCmdlet : GntJobCmdlet
{
    /// <summary>Node names; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("NodeName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord() => ForEachNodeName(Name, SubmitFor);

    /// <summary>Submits the job for one node (through <see cref="GntJobCmdlet.Submit"/>).</summary>
    protected abstract void SubmitFor(string node);

    protected void WriteCurrentNode(string name)
    {
        try
        {
            WriteObject(Run(ct => Client.GetNodeAsync(name, ct)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, name);
        }
    }
}
