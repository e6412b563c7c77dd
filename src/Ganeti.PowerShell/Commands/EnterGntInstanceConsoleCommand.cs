using System.Diagnostics;
using System.Management.Automation;
using Ganeti.PowerShell.Completers;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Commands;

/// <summary>
/// Connects to the console of a running instance (gnt-instance console): runs ssh to the
/// primary node for a serial console, shows the address of a VNC or SPICE display, or writes
/// the hypervisor's message as a warning.
/// </summary>
[Cmdlet(VerbsCommon.Enter, "GntInstanceConsole", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(GntConsole))]
public sealed class EnterGntInstanceConsoleCommand : GntConsoleCmdlet
{
    private Process? _ssh;

    /// <summary>The instance.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceName")]
    [ArgumentCompleter(typeof(InstanceNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The ssh program to run for a serial console; default: ssh from PATH.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string SshPath { get; set; } = "ssh";

    /// <summary>Also write the console object (how to reach the console).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (!TryGetConsole(Name, out var console))
            return;
        switch (console.Kind)
        {
            case "ssh":
                IReadOnlyList<string> args;
                try
                {
                    args = console.SshArguments();
                }
                catch (InvalidOperationException ex)
                {
                    WriteFailure(new GntErrorInfo("GntConsoleInvalid", "InvalidData", false, ex.Message), Name);
                    return;
                }
                if (ShouldProcess(Name, $"Open the serial console ({console.CommandLine})"))
                    RunSsh(args);
                break;
            case "vnc" or "spice":
                var display = console.Display is { } d ? $" (display :{d})" : "";
                Show($"Instance {console.InstanceName} has {console.Kind.ToUpperInvariant()} listening on {console.Host}:{console.Port}{display}.");
                if (console.Kind == "vnc" && console.Display is { } dn)
                    Show($"Connect with: vncviewer {console.Host}:{dn}");
                break;
            default:
                WriteWarning(console.Message ?? $"Instance {console.InstanceName} has no console ({console.Kind}).");
                break;
        }
        if (PassThru)
            WriteObject(console);
    }

    /// <summary>Ctrl+C that reaches this command (not the remote side) ends the local ssh too.</summary>
    protected override void OnStopping()
    {
        try
        {
            _ssh?.Kill();
        }
        catch (Exception)
        {
            // It may have ended already.
        }
    }

    /// <summary>Writes to the host as Write-Host does: shown by default, and still capturable as an information record.</summary>
    private void Show(string text) =>
        WriteInformation(new HostInformationMessage { Message = text }, ["PSHOST"]);

    private void RunSsh(IReadOnlyList<string> args)
    {
        // The terminal stays with ssh: nothing is redirected, so the console is interactive.
        var start = new ProcessStartInfo(SshPath) { UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        WriteVerbose($"Running {SshPath} {string.Join(' ', args)}");
        try
        {
            _ssh = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {SshPath}.");
            Run(ct => _ssh.WaitForExitAsync(ct));
            if (_ssh.ExitCode != 0)
            {
                WriteFailure(new GntErrorInfo("GntConsoleFailed", _ssh.ExitCode == 255 ? "ConnectionError" : "NotSpecified", false,
                    $"{SshPath} ended with exit code {_ssh.ExitCode} for the console of {Name}.",
                    "Check that this machine can ssh to the primary node as the console's user (see Get-GntInstanceConsole)."), Name);
            }
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            WriteFailure(new GntErrorInfo("GntConsoleFailed", "ObjectNotFound", false, $"Cannot run {SshPath}: {ex.Message}",
                "Install an ssh client or give its path with -SshPath."), Name);
        }
        finally
        {
            _ssh?.Dispose();
            _ssh = null;
        }
    }
}
