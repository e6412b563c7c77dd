using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>How many more instances fit in the cluster (hspace), computed by the master.</summary>
[Cmdlet(VerbsCommon.Get, "GntClusterCapacity")]
[OutputType(typeof(GntClusterCapacity))]
public sealed class GetGntClusterCapacityCommand : GntCmdlet
{
    /// <summary>Disk template of the new instances; the first one the cluster policy allows by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DiskTemplate { get; set; }

    /// <summary>Standard instance as disk,memory,cpus[,spindles] (MiB, MiB, count); the policy's standard spec by default.</summary>
    [Parameter]
    [ValidateCount(3, 4)]
    [ValidateRange(1, int.MaxValue)]
    public int[]? StandardSpec { get; set; }

    /// <summary>Largest instance to start tiered allocation from, as disk,memory,cpus[,spindles]; the policy's maximum by default.</summary>
    [Parameter]
    [ValidateCount(3, 4)]
    [ValidateRange(1, int.MaxValue)]
    public int[]? TieredSpec { get; set; }

    private static string? Spec(int[]? values) =>
        values is null ? null : string.Join(",", values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    protected override void EndProcessing()
    {
        try
        {
            WriteObject(Run(ct => Client.GetCapacityAsync(DiskTemplate, Spec(StandardSpec), Spec(TieredSpec), ct)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, CurrentConnection.Server);
        }
    }
}
