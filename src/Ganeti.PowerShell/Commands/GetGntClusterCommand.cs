using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Shows the cluster's configuration and versions (gnt-cluster info).</summary>
[Cmdlet(VerbsCommon.Get, "GntCluster")]
[OutputType(typeof(GntCluster))]
public sealed class GetGntClusterCommand : GntCmdlet
{
    protected override void EndProcessing()
    {
        try
        {
            WriteObject(Run(ct => Client.GetClusterAsync(ct)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, CurrentConnection.Server);
        }
    }
}
