using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>
/// Exports instances to a node (gnt-backup export, local mode): the disks through the OS
/// definition's export script, and the configuration. Writes the export, ready for
/// Import-GntInstance. To a node other than the primary, the disks are streamed there.
/// </summary>
[Cmdlet(VerbsData.Export, "GntInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntExport), typeof(GntJob))]
public sealed class ExportGntInstanceCommand : GntInstanceTargetCmdlet
{
    /// <summary>The node to export to (Ganeti's -n); default: the instance's primary node.</summary>
    [Parameter]
    [Alias("TargetNode", "Destination")]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string? Node { get; set; }

    /// <summary>Export a running instance without stopping it (Ganeti's --noshutdown); the copy may be inconsistent.</summary>
    [Parameter]
    public SwitchParameter NoShutdown { get; set; }

    /// <summary>Remove the instance after a successful export (Ganeti's --remove-instance).</summary>
    [Parameter]
    public SwitchParameter RemoveInstance { get; set; }

    /// <summary>Seconds to wait for a clean shutdown before the export.</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int? ShutdownTimeoutSeconds { get; set; }

    /// <summary>
    /// Compression of the disk data on its way to the target node when that is not the primary
    /// node (Ganeti's --compress): none, gzip, gzip-fast or gzip-slow.
    /// </summary>
    [Parameter]
    [ValidateSet("none", "gzip", "gzip-fast", "gzip-slow")]
    public string? Compress { get; set; }

    protected override void SubmitFor(string instance)
    {
        GntInstance current;
        try
        {
            current = Run(ct => Client.GetInstanceAsync(instance, ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, instance);
            return;
        }
        var node = string.IsNullOrEmpty(Node) ? current.PrimaryNode ?? "" : Node;
        var export = new GntExport
        {
            InstanceName = current.Name,
            Node = node,
            OS = current.OS,
            DiskTemplate = current.DiskTemplate,
            DiskSizeMB = current.Disks.Select(d => d.SizeMB ?? 0).ToArray(),
            MemoryMB = current.MemoryMB,
            VCpus = current.VCpus,
            InstanceRemoved = RemoveInstance,
        };
        var action = $"Export to node {node}{(NoShutdown ? "" : ", stopping it meanwhile")}{(RemoveInstance ? ", then remove the instance" : "")} (gnt-backup export)";
        Submit(current.Name, action,
            (dryRun, ct) => Client.ExportInstanceAsync(current.Name, node, !NoShutdown, RemoveInstance, ShutdownTimeoutSeconds, dryRun, Reason, Compress, ct),
            export);
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job)
    {
        var export = (GntExport)submitted.State!;
        // The master names the export directory in the job log; Ganeti also takes the bare
        // instance name as src_path, relative to the cluster's export directory.
        var path = GntExport.PathFromLog(job.Log, export.InstanceName) ?? export.InstanceName;
        WriteObject(new GntExport
        {
            InstanceName = export.InstanceName, Node = export.Node, Path = path, Mode = export.Mode, OS = export.OS,
            DiskTemplate = export.DiskTemplate, DiskSizeMB = export.DiskSizeMB, MemoryMB = export.MemoryMB, VCpus = export.VCpus,
            InstanceRemoved = export.InstanceRemoved, JobId = job.Id,
        });
    }
}
