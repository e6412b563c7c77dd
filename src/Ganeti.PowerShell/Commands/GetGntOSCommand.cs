using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>Lists the OS definitions valid on the cluster (gnt-os list).</summary>
[Cmdlet(VerbsCommon.Get, "GntOS")]
[OutputType(typeof(GntOS))]
public sealed class GetGntOSCommand : GntCmdlet
{
    /// <summary>OS names (with variant, os+variant); wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(OSNameCompleter))]
    public string[]? Name { get; set; }

    protected override void EndProcessing()
    {
        IReadOnlyList<GntOS> all;
        try
        {
            all = Run(ct => Client.GetOperatingSystemsAsync(ct));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, null);
            return;
        }
        CurrentConnection.Cache.Put("os", all.Select(o => o.Name));
        var selection = NameSelection.Select(all, o => o.Name, Name);
        foreach (var os in selection.Matched) WriteObject(os);
        foreach (var missing in selection.MissingNames) WriteFailure(GntErrorMap.NotFound("OS", missing), missing);
    }
}
