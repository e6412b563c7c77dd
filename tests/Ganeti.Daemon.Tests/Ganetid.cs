using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Ganeti.Daemon.Tests;

/// <summary>Runs the real ganetid executable (the built ganetid.dll) as a separate process.</summary>
public static class Ganetid
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "ganetid.dll");

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Runs a short command to its end: exit code and output.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var p = Process.Start(StartInfo(args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static async Task InitAsync(string root, params string[] extra)
    {
        var args = new List<string>
        {
            "init", "--root", root, "--cluster-name", "lab.cluster", "--enabled-hypervisors", "fake",
            "--enabled-disk-templates", "file,diskless", "--node-name", "node1.lab", "--primary-ip", "127.0.0.1",
            "--rapi-user", "admin:secret",
        };
        args.AddRange(extra);
        var (code, output, err) = await RunAsync([.. args]);
        if (code != 0) throw new InvalidOperationException($"ganetid init failed ({code}): {output}{err}");
    }
}

/// <summary>A running `ganetid master`, killed (hard) when disposed.</summary>
public sealed class MasterProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private MasterProcess(Process process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }
    public string BaseUrl => $"https://127.0.0.1:{Port}";
    public string Output { get { lock (output) return output.ToString(); } }

    public static async Task<MasterProcess> StartAsync(string root)
    {
        var port = Ganetid.FreePort();
        var p = Process.Start(Ganetid.StartInfo("master", "--root", root, "--rapi-bind", "127.0.0.1", "--rapi-port", port.ToString()))!;
        var m = new MasterProcess(p, port);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (m.output) m.output.AppendLine(e.Data);
            if (e.Data.Contains("RAPI listening", StringComparison.Ordinal)) ready.TrySetResult();
        };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (m.output) m.output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var exited = p.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != ready.Task)
        {
            await m.DisposeAsync();
            throw new InvalidOperationException($"master did not start: {m.Output}");
        }
        return m;
    }

    /// <summary>kill -9: no chance to clean up.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, as an admin stopping the daemon would.</summary>
    public async Task StopAsync()
    {
        if (process.HasExited) return;
        _ = Kill(process.Id, 15);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }
}
