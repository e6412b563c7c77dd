using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>How many more instances fit in the cluster (hspace), computed by the master.</summary>
[Cmdlet(VerbsCommon.Get, "GntClusterCapacity")]
[OutputType(typeof(GntClusterCapacity))]
public sealed class GetGntClusterCapacityCommand : GntCmdlet
{
    private const string SpecPattern = @"^\d+,\d+,\d+(,\d+)?$";

    /// <summary>Disk template of the new instances; the first one the cluster policy allows by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DiskTemplate { get; set; }

    /// <summary>Standard instance as disk,memory,cpus[,spindles] (MiB, MiB, count); the policy's standard spec by default.</summary>
    [Parameter]
    [ValidatePattern(SpecPattern)]
    public string? StandardSpec { get; set; }

    /// <summary>Largest instance to start tiered allocation from, as disk,memory,cpus[,spindles]; the policy's maximum by default.</summary>
    [Parameter]
    [ValidatePattern(SpecPattern)]
    public string? TieredSpec { get; set; }

    protected override void EndProcessing()
    {
        try
        {
            WriteObject(Run(ct => Client.GetCapacityAsync(DiskTemplate, StandardSpec, TieredSpec, ct)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, CurrentConnection.Server);
        }
    }
}
