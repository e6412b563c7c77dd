using System.Diagnostics;
using System.Text;

namespace Ganeti.Daemon.Tests.Lab;

/// <summary>
/// A real ganetid running inside a lab node's network namespace (`ip netns exec`, which execs,
/// so the process is ganetid itself): started, read, and killed with SIGKILL or stopped with SIGTERM.
/// </summary>
public sealed class LabProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private LabProcess(Process process) => this.process = process;

    public string Output { get { lock (output) return output.ToString(); } }

    public bool HasExited => process.HasExited;

    public static ProcessStartInfo StartInfo(LabFixture lab, int node, params string[] args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", lab.Namespace(node), "dotnet", Ganetid.Dll }.Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        return psi;
    }

    /// <summary>Starts ganetid and waits for a line containing <paramref name="ready"/>; fails with the output if it exits first.</summary>
    public static async Task<LabProcess> StartAsync(LabFixture lab, int node, string ready, TimeSpan timeout, params string[] args)
    {
        var p = Process.Start(StartInfo(lab, node, args))!;
        var lp = new LabProcess(p);
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lp.output) lp.output.AppendLine(e.Data);
            if (e.Data.Contains(ready, StringComparison.Ordinal)) seen.TrySetResult();
        };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lp.output) lp.output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var first = await Task.WhenAny(seen.Task, p.WaitForExitAsync(), Task.Delay(timeout));
        if (first != seen.Task)
        {
            await lp.DisposeAsync();
            throw new InvalidOperationException($"ganetid {string.Join(' ', args)} on node {node} did not print '{ready}':\n{lp.Output}");
        }
        return lp;
    }

    /// <summary>Runs a short ganetid command in the node's namespace to its end.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(LabFixture lab, int node, TimeSpan timeout, params string[] args)
    {
        using var p = Process.Start(StartInfo(lab, node, args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"ganetid {string.Join(' ', args)} on node {node} still running after {timeout}:\n{await stdout}{await stderr}");
        }
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Waits for the process to end (killed from outside); false when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>kill -9: the process gets no chance to clean up.</summary>
    public async Task KillAsync()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }
}
