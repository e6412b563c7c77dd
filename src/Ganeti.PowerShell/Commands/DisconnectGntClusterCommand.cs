using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;

namespace Ganeti.PowerShell.Commands;

/// <summary>Closes a connection to a Ganeti master made by Connect-GntCluster; without -Connection, the default one.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "GntCluster")]
[OutputType(typeof(GntConnection))]
public sealed class DisconnectGntClusterCommand : GntCmdlet
{
    /// <summary>Write the closed connection to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void EndProcessing()
    {
        var connection = Connection ?? GntSession.Default;
        if (connection is null)
        {
            WriteVerbose("There is no connection to close.");
            return;
        }
        connection.Dispose();
        if (ReferenceEquals(GntSession.Default, connection) || GntSession.Default is null)
            GntSession.Default = null;
        WriteVerbose($"Disconnected from {connection}.");
        if (PassThru)
            WriteObject(connection);
    }
}
