using System.Management.Automation;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Base of the cmdlets that act on existing instances and, with -PassThru, write each instance
/// as it is after its job (start, stop, restart, remove, reinstall, grow-disk, ...).
/// </summary>
public abstract class GntInstanceActionCmdlet : GntInstanceTargetCmdlet
{
    /// <summary>When the job succeeded, write the instance as it is now.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void OnJobSucceeded(Submitted submitted, GntJob job)
    {
        if (PassThru)
            WriteCurrentInstance(submitted.Target);
    }
}
