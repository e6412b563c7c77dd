using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Removes tags from the cluster, instances, nodes or groups (gnt-instance remove-tags, ...).</summary>
[Cmdlet(VerbsCommon.Remove, "GntTag", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = InstanceSet)]
[OutputType(typeof(GntJob))]
public sealed class RemoveGntTagCommand : GntTagCmdlet
{
    /// <summary>The tags to remove; with GntTag objects from the pipeline, their own tag.</summary>
    [Parameter(Position = 0)]
    public string[]? Tag { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var target in Targets())
        {
            var tags = Tag is { Length: > 0 } ? Tag
                : InputObject?.BaseObject is GntTag piped ? [piped.Tag]
                : null;
            if (tags is null)
            {
                WriteFailure(new GntErrorInfo("GntTagMissing", "InvalidArgument", false,
                    "Name the tags to remove with -Tag, or pipe tag objects from Get-GntTag."), target.Display);
                continue;
            }
            Submit(target.Display, $"Remove tag(s) {string.Join(", ", tags)}",
                (dryRun, ct) => Client.DeleteTagsAsync(target.Kind, target.Name, tags, dryRun, Reason, ct));
        }
    }
}
