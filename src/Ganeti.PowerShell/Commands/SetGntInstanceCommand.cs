using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Changes an instance's parameters, NICs and disks (gnt-instance modify).</summary>
[Cmdlet(VerbsCommon.Set, "GntInstance", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(GntInstance), typeof(GntJob))]
public sealed class SetGntInstanceCommand : GntInstanceActionCmdlet
{
    /// <summary>Hypervisor parameters to set; a value of $null goes back to the cluster's (or OS's) value.</summary>
    [Parameter]
    [Alias("HypervisorParameter")]
    public Hashtable? HvParams { get; set; }

    /// <summary>Backend parameters to set (maxmem, minmem, vcpus, auto_balance, always_failover, spindle_use); $null resets one.</summary>
    [Parameter]
    [Alias("BackendParameter")]
    public Hashtable? BeParams { get; set; }

    /// <summary>OS parameters to set; $null resets one.</summary>
    [Parameter]
    [Alias("OSParameter")]
    public Hashtable? OsParams { get; set; }

    /// <summary>Private OS parameters (kept out of logs and query output); $null resets one.</summary>
    [Parameter]
    public Hashtable? OsParamsPrivate { get; set; }

    /// <summary>Memory (both maximum and minimum): 512, 512M, 2G.</summary>
    [Parameter]
    [SizeTransformation]
    [ValidateNotNullOrEmpty]
    public string? Memory { get; set; }

    /// <summary>Number of virtual CPUs.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int VCpus { get; set; }

    /// <summary>Memory of the running instance now, by ballooning (Ganeti's --runtime-memory).</summary>
    [Parameter]
    [SizeTransformation]
    [ValidateNotNullOrEmpty]
    public string? RuntimeMemory { get; set; }

    /// <summary>The new OS (the instance must be stopped; nothing is reinstalled).</summary>
    [Parameter]
    [Alias("OS")]
    [ValidateNotNullOrEmpty]
    public string? OsName { get; set; }

    /// <summary>Accept an OS variant the OS does not declare.</summary>
    [Parameter]
    public SwitchParameter ForceVariant { get; set; }

    /// <summary>Mark the stopped instance offline.</summary>
    [Parameter]
    public SwitchParameter Offline { get; set; }

    /// <summary>Bring an offline instance back online (stopped).</summary>
    [Parameter]
    public SwitchParameter Online { get; set; }

    /// <summary>NICs to add, in Ganeti's syntax: link=br0,mode=bridged,mac=generate,ip=...,network=...,name=...</summary>
    [Parameter]
    [ValidateNotNull]
    public string[]? AddNic { get; set; }

    /// <summary>NIC changes keyed by index or name: @{ 0 = 'link=br1'; back = @{ ip = '192.0.2.9' } }.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? SetNic { get; set; }

    /// <summary>NICs to remove, by index (-1 is the last) or name.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[]? RemoveNic { get; set; }

    /// <summary>Disks to add (the instance must be stopped): size=10G,name=data,mode=rw.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[]? AddDisk { get; set; }

    /// <summary>Disk changes keyed by index or name (name and mode only): @{ 1 = 'mode=ro' }.</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? SetDisk { get; set; }

    /// <summary>Disks to remove (the instance must be stopped), by index or name. Their data is destroyed.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[]? RemoveDisk { get; set; }

    /// <summary>Skip the memory checks and allow runtime memory outside the minimum and maximum (Ganeti's --force).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Apply the change even if the instance then violates its group's instance policy.</summary>
    [Parameter]
    public SwitchParameter IgnoreIPolicy { get; set; }

    /// <summary>Allow an IP address another NIC of the network already uses.</summary>
    [Parameter]
    public SwitchParameter NoConflictsCheck { get; set; }

    private JsonObject body = null!;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            body = InstanceModifyBuilder.Build(new InstanceModifyParameters
            {
                HvParams = HvParams, BeParams = BeParams, OsParams = OsParams, OsParamsPrivate = OsParamsPrivate,
                Memory = Memory, VCpus = VCpus == 0 ? null : VCpus, RuntimeMemory = RuntimeMemory, OsName = OsName,
                ForceVariant = ForceVariant, Offline = Offline, Online = Online,
                AddNic = AddNic, SetNic = SetNic, RemoveNic = RemoveNic, AddDisk = AddDisk, SetDisk = SetDisk, RemoveDisk = RemoveDisk,
                Force = Force, IgnoreIPolicy = IgnoreIPolicy, NoConflictsCheck = NoConflictsCheck,
            });
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(ex.Message, ex), "GntInvalidModification",
                ErrorCategory.InvalidArgument, null));
        }
    }

    protected override void SubmitFor(string instance)
    {
        var changes = body;
        Submit(instance, $"Modify instance: {InstanceModifyBuilder.Describe(changes)} (gnt-instance modify)",
            (dryRun, ct) => Client.ModifyInstanceAsync(instance, changes, dryRun, Reason, ct));
    }
}
