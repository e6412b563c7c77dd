using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>
/// Gets how to reach the console of running instances (gnt-instance console --show-cmd): an ssh
/// command on the primary node, a VNC or SPICE display, or a message.
/// </summary>
[Cmdlet(VerbsCommon.Get, "GntInstanceConsole")]
[OutputType(typeof(GntConsole))]
public sealed class GetGntInstanceConsoleCommand : GntConsoleCmdlet
{
    /// <summary>Instance names; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InstanceNameCompleter))]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord() => ForEachInstanceName(Name, WriteConsole);

    private void WriteConsole(string name)
    {
        if (TryGetConsole(name, out var console))
            WriteObject(console);
    }
}
