using System.Collections;
using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Creates instances (gnt-instance add); every property binds from the pipeline, so Import-Csv works.</summary>
[Cmdlet(VerbsCommon.New, "GntInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntInstance), typeof(GntJob))]
public sealed class NewGntInstanceCommand : GntJobCmdlet
{
    /// <summary>The new instance's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceName")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>OS definition, with variant: debootstrap+default. Not needed with -NoInstall.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("OsType", "OperatingSystem")]
    [ArgumentCompleter(typeof(OSNameCompleter))]
    public string? OS { get; set; }

    /// <summary>diskless, file, sharedfile, plain, drbd, rbd, blockdev or ext; default: the cluster's first enabled one.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("diskless", "file", "sharedfile", "plain", "drbd", "rbd", "blockdev", "ext", "gluster")]
    public string? DiskTemplate { get; set; }

    /// <summary>One size per disk: MiB, or with a unit (10G, 512M).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("DiskSizes")]
    public string[]? DiskSize { get; set; }

    /// <summary>Disks in Ganeti's syntax, one per string: size=10G,name=data,mode=rw. Overrides -DiskSize.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Disk { get; set; }

    /// <summary>Memory: MiB, or with a unit (512M, 2G).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Memory { get; set; }

    /// <summary>Virtual CPUs.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 1024)]
    public int VCpus { get; set; }

    /// <summary>NICs in Ganeti's syntax, one per string: link=br0,mode=bridged,ip=pool. Default: one NIC with cluster defaults.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Nic { get; set; }

    /// <summary>Create the instance without any NIC.</summary>
    [Parameter]
    public SwitchParameter NoNic { get; set; }

    /// <summary>Primary node; default: chosen by the cluster's allocator.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Node", "PNode")]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string? PrimaryNode { get; set; }

    /// <summary>Secondary node, for drbd.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("SNode")]
    [ArgumentCompleter(typeof(NodeNameCompleter))]
    public string? SecondaryNode { get; set; }

    /// <summary>Hypervisor; default: the cluster's default.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Hypervisor { get; set; }

    /// <summary>Allocator plugin to choose nodes (e.g. hail).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? IAllocator { get; set; }

    /// <summary>Backend parameters (Ganeti's -B), e.g. @{auto_balance=$false}.</summary>
    [Parameter]
    public Hashtable? BackendParameter { get; set; }

    /// <summary>Hypervisor parameters (Ganeti's -H), e.g. @{kernel_path='/boot/vmlinuz'}.</summary>
    [Parameter]
    public Hashtable? HypervisorParameter { get; set; }

    /// <summary>OS parameters (Ganeti's -O).</summary>
    [Parameter]
    public Hashtable? OSParameter { get; set; }

    /// <summary>Tags for the new instance.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[]? Tag { get; set; }

    /// <summary>Do not start the instance after creating it.</summary>
    [Parameter]
    public SwitchParameter NoStart { get; set; }

    /// <summary>Do not run the OS create script.</summary>
    [Parameter]
    public SwitchParameter NoInstall { get; set; }

    /// <summary>Do not check that the name resolves (Ganeti's --no-name-check); implies -NoIpCheck.</summary>
    [Parameter]
    public SwitchParameter NoNameCheck { get; set; }

    /// <summary>Do not check that the instance's IP is unused (Ganeti's --no-ip-check).</summary>
    [Parameter]
    public SwitchParameter NoIpCheck { get; set; }

    protected override void ProcessRecord()
    {
        Ganeti.Remoting.Rapi.Requests.InstanceCreateSpec spec;
        try
        {
            spec = InstanceCreateBuilder.Build(new InstanceCreateParameters
            {
                Name = Name, OS = OS, DiskTemplate = DiskTemplate, DiskSize = DiskSize, Disk = Disk, Memory = Memory,
                VCpus = VCpus == 0 ? null : VCpus, Nic = Nic, NoNic = NoNic, PrimaryNode = PrimaryNode, SecondaryNode = SecondaryNode,
                Hypervisor = Hypervisor, IAllocator = IAllocator, BackendParameter = BackendParameter,
                HypervisorParameter = HypervisorParameter, OSParameter = OSParameter, Tag = Tag, NoStart = NoStart,
                NoInstall = NoInstall, NoNameCheck = NoNameCheck, NoIpCheck = NoIpCheck,
            });
        }
        catch (FormatException ex)
        {
            WriteFailure(ex, Name);
            return;
        }
        Submit(Name, "Create instance (gnt-instance add)",
            (dryRun, ct) => Client.CreateInstanceAsync(spec, dryRun, Reason, ct), Name);
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job) => WriteCurrentInstance((string)submitted.State!);
}
