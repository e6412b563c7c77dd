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
    private IReadOnlyList<string>? _allNames;

    /// <summary>Instance names; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(InstanceNameCompleter))]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var pattern in Name)
        {
            if (!WildcardMatcher.ContainsWildcard(pattern))
            {
                WriteConsole(WildcardMatcher.Unescape(pattern));
                continue;
            }
            try
            {
                _allNames ??= Run(ct => Client.GetInstanceNamesAsync(ct));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteFailure(ex, pattern);
                return;
            }
            var matcher = new WildcardMatcher(pattern);
            foreach (var name in _allNames.Where(matcher.IsMatch))
                WriteConsole(name);
        }
    }

    private void WriteConsole(string name)
    {
        if (TryGetConsole(name, out var console))
            WriteObject(console);
    }
}
