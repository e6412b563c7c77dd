using System.Collections;
using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>
/// Creates instances from exports (gnt-backup import: OP_INSTANCE_CREATE in import mode). Takes
/// Export-GntInstance's output from the pipeline, with its node, path, OS and disks.
/// </summary>
[Cmdlet(VerbsData.Import, "GntInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntInstance), typeof(GntJob))]
public sealed class ImportGntInstanceCommand : GntJobCmdlet
{
    /// <summary>The new instance's name; from the pipeline, the exported instance's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The export directory (Ganeti's --src-dir), or its name under the cluster's export directory.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "SrcPath", "SrcDir")]
    [ValidateNotNullOrEmpty]
    public string SourcePath { get; set; } = "";

    /// <summary>The node holding the export (Ganeti's --src-node); default: -Node.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SrcNode")]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string? SourceNode { get; set; }

    /// <summary>Primary node of the new instance (Ganeti's -n); default: -SourceNode.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("PrimaryNode", "PNode")]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string? Node { get; set; }

    /// <summary>OS definition; default: the export's.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("OsType", "OperatingSystem")]
    [ArgumentCompleter(typeof(OSNameCompleter))]
    public string? OS { get; set; }

    /// <summary>Disk template of the new instance, e.g. file or plain.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("diskless", "file", "sharedfile", "plain", "drbd", "rbd", "blockdev", "ext", "gluster")]
    public string? DiskTemplate { get; set; }

    /// <summary>One size per disk (at least the export's sizes): MiB, or with a unit (10G).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("DiskSizes", "DiskSizeMB")]
    public string[]? DiskSize { get; set; }

    /// <summary>Disks in Ganeti's syntax, one per string: size=10G,name=data. Overrides -DiskSize.</summary>
    [Parameter]
    public string[]? Disk { get; set; }

    /// <summary>Memory: MiB, or with a unit (512M, 2G).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("MemoryMB")]
    public string? Memory { get; set; }

    /// <summary>Virtual CPUs.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 1024)]
    public int VCpus { get; set; }

    /// <summary>NICs in Ganeti's syntax, one per string: link=br0,mode=bridged. Default: one NIC with cluster defaults.</summary>
    [Parameter]
    public string[]? Nic { get; set; }

    /// <summary>Create the instance without any NIC.</summary>
    [Parameter]
    public SwitchParameter NoNic { get; set; }

    /// <summary>Hypervisor; default: the cluster's default.</summary>
    [Parameter]
    public string? Hypervisor { get; set; }

    /// <summary>Backend parameters (Ganeti's -B).</summary>
    [Parameter]
    public Hashtable? BackendParameter { get; set; }

    /// <summary>Hypervisor parameters (Ganeti's -H).</summary>
    [Parameter]
    public Hashtable? HypervisorParameter { get; set; }

    /// <summary>OS parameters (Ganeti's -O).</summary>
    [Parameter]
    public Hashtable? OSParameter { get; set; }

    /// <summary>Tags for the new instance.</summary>
    [Parameter]
    public string[]? Tag { get; set; }

    /// <summary>Do not start the instance after the import.</summary>
    [Parameter]
    public SwitchParameter NoStart { get; set; }

    /// <summary>Do not check that the name resolves (Ganeti's --no-name-check); implies -NoIpCheck.</summary>
    [Parameter]
    public SwitchParameter NoNameCheck { get; set; }

    /// <summary>Do not check that the instance's IP is unused (Ganeti's --no-ip-check).</summary>
    [Parameter]
    public SwitchParameter NoIpCheck { get; set; }

    /// <summary>
    /// Compression of the disk data on its way from the node holding the export to the new
    /// primary node, when they differ (Ganeti's --compress): none, gzip, gzip-fast or gzip-slow.
    /// </summary>
    [Parameter]
    [ValidateSet("none", "gzip", "gzip-fast", "gzip-slow")]
    public string? Compress { get; set; }

    protected override void ProcessRecord()
    {
        Ganeti.Remoting.Rapi.Requests.InstanceCreateSpec spec;
        var sourceNode = string.IsNullOrEmpty(SourceNode) ? Node : SourceNode;
        var node = string.IsNullOrEmpty(Node) ? sourceNode : Node;
        try
        {
            if (string.IsNullOrEmpty(sourceNode))
                throw new ArgumentException("Give the node that holds the export: -SourceNode (or -Node).");
            spec = InstanceCreateBuilder.Build(new InstanceCreateParameters
            {
                Name = Name, OS = OS, DiskTemplate = DiskTemplate, DiskSize = DiskSize, Disk = Disk, Memory = Memory,
                VCpus = VCpus == 0 ? null : VCpus, Nic = Nic, NoNic = NoNic, PrimaryNode = node, Hypervisor = Hypervisor,
                BackendParameter = BackendParameter, HypervisorParameter = HypervisorParameter, OSParameter = OSParameter,
                Tag = Tag, NoStart = NoStart, NoNameCheck = NoNameCheck, NoIpCheck = NoIpCheck,
                SourceNode = sourceNode, SourcePath = SourcePath, Compress = Compress,
            });
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            WriteFailure(ex, Name);
            return;
        }
        Submit(Name, $"Import instance from {sourceNode}:{SourcePath} (gnt-backup import)",
            (dryRun, ct) => Client.CreateInstanceAsync(spec, dryRun, Reason, ct), Name);
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job) => WriteCurrentInstance((string)submitted.State!);
}
