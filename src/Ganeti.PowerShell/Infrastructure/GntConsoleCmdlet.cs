using System.Management.Automation;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>Base of the console cmdlets: asks the master for an instance's console and reports a missing or stopped instance.</summary>
public abstract class GntConsoleCmdlet : GntCmdlet
{
    protected bool TryGetConsole(string name, out GntConsole console)
    {
        try
        {
            console = Run(ct => Client.GetInstanceConsoleAsync(name, ct));
            return true;
        }
        catch (RapiException ex) when (ex.Kind == RapiErrorKind.Unavailable)
        {
            WriteFailure(GntErrorMap.ConsoleUnavailable(name), name);
        }
        catch (RapiException ex) when (ex.Kind == RapiErrorKind.NotFound)
        {
            WriteFailure(GntErrorMap.NotFound("Instance", name), name);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteFailure(ex, name);
        }
        console = null!;
        return false;
    }
}
