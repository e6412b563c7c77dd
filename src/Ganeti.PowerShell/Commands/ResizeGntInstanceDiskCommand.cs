using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Grows a disk of instances (gnt-instance grow-disk), by an amount or to a size.</summary>
[Cmdlet(VerbsCommon.Resize, "GntInstanceDisk", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium,
    DefaultParameterSetName = AmountSet)]
[OutputType(typeof(GntInstance), typeof(GntJob))]
public sealed class ResizeGntInstanceDiskCommand : GntInstanceActionCmdlet
{
    private const string AmountSet = "Amount";
    private const string SizeSet = "Size";

    private long _mib;

    /// <summary>The disk's index: 0 for disk/0, the first disk.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [Alias("Disk", "DiskIndex")]
    [ValidateRange(0, 1024)]
    public int Index { get; set; }

    /// <summary>How much to add: MiB, or with a unit (512M, 10G); PowerShell's size literals (512MB, 10GB) work too.</summary>
    [Parameter(Mandatory = true, Position = 2, ParameterSetName = AmountSet)]
    [SizeTransformation]
    [ValidateNotNullOrEmpty]
    public string Amount { get; set; } = "";

    /// <summary>The disk's new size (Ganeti's --absolute): MiB, or with a unit (20G); PowerShell's size literals (20GB) work too. A disk never shrinks.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SizeSet)]
    [SizeTransformation]
    [ValidateNotNullOrEmpty]
    public string Size { get; set; } = "";

    /// <summary>Do not wait for mirrored disks to resync after growing (Ganeti's --no-wait-for-sync).</summary>
    [Parameter]
    public SwitchParameter NoWaitForSync { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            _mib = SizeParser.ParseMiB(ParameterSetName == SizeSet ? Size : Amount);
        }
        catch (FormatException ex)
        {
            ThrowTerminatingError(ToRecord(GntErrorMap.Classify(ex), ParameterSetName == SizeSet ? Size : Amount, ex));
        }
    }

    protected override void SubmitFor(string instance)
    {
        var absolute = ParameterSetName == SizeSet;
        var action = absolute
            ? $"Grow disk/{Index} to {_mib} MiB (gnt-instance grow-disk --absolute)"
            : $"Grow disk/{Index} by {_mib} MiB (gnt-instance grow-disk)";
        bool? waitForSync = NoWaitForSync ? false : null;
        Submit(instance, action,
            (dryRun, ct) => Client.GrowInstanceDiskAsync(instance, Index, _mib, absolute, waitForSync, dryRun, Reason, ct));
    }
}
