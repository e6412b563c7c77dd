using System.Collections;
using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Changes cluster-wide parameters (gnt-cluster modify).</summary>
[Cmdlet(VerbsCommon.Set, "GntCluster", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntCluster), typeof(GntJob))]
public sealed class SetGntClusterCommand : GntJobCmdlet
{
    /// <summary>Hypervisor parameters per hypervisor, merged into the cluster's: @{ kvm = @{ kernel_path = '' } }.</summary>
    [Parameter]
    [Alias("HvParams")]
    public Hashtable? HypervisorParameter { get; set; }

    /// <summary>Hypervisor parameters per OS (or OS+variant) and hypervisor; a value of 'default' or $null removes an override.</summary>
    [Parameter]
    [Alias("OsHvParams")]
    public Hashtable? OSHypervisorParameter { get; set; }

    /// <summary>Backend parameter defaults (memory, maxmem, minmem, vcpus, auto_balance, ...).</summary>
    [Parameter]
    [Alias("BeParams")]
    public Hashtable? BackendParameter { get; set; }

    /// <summary>NIC parameter defaults (mode, link, vlan).</summary>
    [Parameter]
    [Alias("NicParams")]
    public Hashtable? NicParameter { get; set; }

    /// <summary>Node parameter defaults (spindle_count, exclusive_storage, ssh_port, ...).</summary>
    [Parameter]
    [Alias("NdParams")]
    public Hashtable? NodeParameter { get; set; }

    /// <summary>Disk parameters per disk template: @{ drbd = @{ 'resync-rate' = 2048 } }.</summary>
    [Parameter]
    [Alias("DiskParams")]
    public Hashtable? DiskParameter { get; set; }

    /// <summary>Instance policy changes (std, minmax, disk-templates, vcpu-ratio, spindle-ratio), merged and checked as a whole.</summary>
    [Parameter]
    [Alias("IPolicy")]
    public Hashtable? InstancePolicy { get; set; }

    /// <summary>OS parameters per OS; a value of 'default' or $null removes one.</summary>
    [Parameter]
    [Alias("OsParams")]
    public Hashtable? OSParameter { get; set; }

    /// <summary>Private OS parameters per OS, kept by the cluster.</summary>
    [Parameter]
    public Hashtable? OSParameterPrivate { get; set; }

    /// <summary>Parameters passed to the default instance allocator.</summary>
    [Parameter]
    public Hashtable? IAllocatorParameter { get; set; }

    /// <summary>How many nodes should be master candidates; raising it promotes nodes.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? CandidatePoolSize { get; set; }

    /// <summary>How many jobs the master runs at once.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxRunningJobs { get; set; }

    /// <summary>How many finished jobs the master keeps track of.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? MaxTrackedJobs { get; set; }

    /// <summary>The hypervisors instances may use; the first is the default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? EnabledHypervisors { get; set; }

    /// <summary>The disk templates instances may use.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? EnabledDiskTemplates { get; set; }

    /// <summary>The instance allocator used when no node is given (empty: none).</summary>
    [Parameter]
    [AllowEmptyString]
    public string? DefaultIAllocator { get; set; }

    /// <summary>Whether nodes shut down unknown instances and deactivate stray disks.</summary>
    [Parameter]
    public bool? MaintainNodeHealth { get; set; }

    /// <summary>Whether new disks are wiped before use.</summary>
    [Parameter]
    public bool? PreallocWipeDisks { get; set; }

    /// <summary>Whether the cluster keeps /etc/hosts on the nodes up to date.</summary>
    [Parameter]
    public bool? ModifyEtcHosts { get; set; }

    /// <summary>Whether instances may be shut down from inside.</summary>
    [Parameter]
    public bool? EnabledUserShutdown { get; set; }

    /// <summary>The first three octets of generated MAC addresses (aa:00:00).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MacPrefix { get; set; }

    /// <summary>The LVM volume group for plain and drbd disks (empty: none).</summary>
    [Parameter]
    [AllowEmptyString]
    public string? VolumeGroupName { get; set; }

    /// <summary>The DRBD usermode helper.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? DrbdHelper { get; set; }

    /// <summary>Where file disks live.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? FileStorageDir { get; set; }

    /// <summary>Where sharedfile disks live.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? SharedFileStorageDir { get; set; }

    /// <summary>Logical volumes the cluster ignores (vg/lv); replaces the list.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? ReservedLvs { get; set; }

    /// <summary>The user-id pool for instances, replaced: '1000-1009', '2000'.</summary>
    [Parameter]
    [AllowEmptyCollection]
    public string[]? UidPool { get; set; }

    /// <summary>User ids or ranges added to the pool.</summary>
    [Parameter]
    public string[]? AddUid { get; set; }

    /// <summary>User ids or ranges removed from the pool.</summary>
    [Parameter]
    public string[]? RemoveUid { get; set; }

    /// <summary>OS names to hide from listings.</summary>
    [Parameter]
    public string[]? AddHiddenOS { get; set; }

    /// <summary>OS names to show again.</summary>
    [Parameter]
    public string[]? RemoveHiddenOS { get; set; }

    /// <summary>OS names new instances may not use.</summary>
    [Parameter]
    public string[]? AddBlacklistedOS { get; set; }

    /// <summary>OS names allowed again.</summary>
    [Parameter]
    public string[]? RemoveBlacklistedOS { get; set; }

    /// <summary>When the job succeeded, write the cluster as it is now.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private System.Text.Json.Nodes.JsonObject _changes = null!;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            _changes = ClusterModifyBuilder.Build(new ClusterModifyParameters
            {
                HypervisorParameter = HypervisorParameter, OSHypervisorParameter = OSHypervisorParameter,
                BackendParameter = BackendParameter, NicParameter = NicParameter, NodeParameter = NodeParameter,
                DiskParameter = DiskParameter, InstancePolicy = InstancePolicy, OSParameter = OSParameter,
                OSParameterPrivate = OSParameterPrivate, IAllocatorParameter = IAllocatorParameter,
                CandidatePoolSize = CandidatePoolSize, MaxRunningJobs = MaxRunningJobs, MaxTrackedJobs = MaxTrackedJobs,
                EnabledHypervisors = EnabledHypervisors, EnabledDiskTemplates = EnabledDiskTemplates,
                DefaultIAllocator = DefaultIAllocator, MaintainNodeHealth = MaintainNodeHealth, PreallocWipeDisks = PreallocWipeDisks,
                ModifyEtcHosts = ModifyEtcHosts, EnabledUserShutdown = EnabledUserShutdown, MacPrefix = MacPrefix,
                VolumeGroupName = VolumeGroupName, DrbdHelper = DrbdHelper, FileStorageDir = FileStorageDir,
                SharedFileStorageDir = SharedFileStorageDir, ReservedLvs = ReservedLvs, UidPool = UidPool, AddUid = AddUid,
                RemoveUid = RemoveUid, AddHiddenOS = AddHiddenOS, RemoveHiddenOS = RemoveHiddenOS,
                AddBlacklistedOS = AddBlacklistedOS, RemoveBlacklistedOS = RemoveBlacklistedOS,
            });
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "GntInvalidParameter", ErrorCategory.InvalidArgument, null));
        }
        if (_changes.Count == 0)
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("Give at least one change to the cluster, for example -CandidatePoolSize or -HypervisorParameter."),
                "GntNoChange", ErrorCategory.InvalidArgument, null));
    }

    protected override void ProcessRecord()
    {
        var cluster = CurrentConnection.ClusterName;
        var what = string.Join(", ", _changes.Select(kv => kv.Key));
        Submit(cluster, $"Modify cluster: {what} (gnt-cluster modify)",
            (dryRun, ct) => Client.ModifyClusterAsync(_changes, dryRun, Reason, ct));
    }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job)
    {
        if (!PassThru) return;
        try
        {
            WriteObject(Run(ct => Client.GetClusterAsync(ct)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, submitted.Target);
        }
    }
}
