using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Adds tags to the cluster, instances, nodes or groups (gnt-instance add-tags, ...).</summary>
[Cmdlet(VerbsCommon.Add, "GntTag", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = InstanceSet)]
[OutputType(typeof(GntJob))]
public sealed class AddGntTagCommand : GntTagCmdlet
{
    /// <summary>The tags to add.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[] Tag { get; set; } = [];

    protected override void ProcessRecord()
    {
        var tags = Tag;
        foreach (var target in Targets())
            Submit(target.Display, $"Add tag(s) {string.Join(", ", tags)}",
                (dryRun, ct) => Client.AddTagsAsync(target.Kind, target.Name, tags, dryRun, Reason, ct));
    }
}
