using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Hypervisors.Kvm;

/// <summary>
/// Runs the kvm driver's external programs (qemu, ip, taskset) with an argument vector, a
/// timeout and captured output. A prefix (for example ip netns exec &lt;node&gt;) puts them in
/// the node's network namespace when several nodes share one machine.
/// </summary>
public sealed class KvmProcessRunner(IReadOnlyList<string>? prefix = null)
{
    public IReadOnlyList<string> Prefix { get; } = prefix ?? [];

    public sealed record Result(IReadOnlyList<string> Argv, int ExitCode, string Stdout, string Stderr, bool TimedOut)
    {
        public bool Succeeded => ExitCode == 0 && !TimedOut;

        public string Describe()
        {
            var what = TimedOut ? "timed out" : $"exited with code {ExitCode}";
            var text = string.IsNullOrWhiteSpace(Stderr) ? Stdout : Stderr;
            var tail = string.Join("; ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(6));
            return $"'{string.Join(' ', Argv)}' {what}{(tail.Length > 0 ? ": " + tail : "")}";
        }
    }

    public async Task<Result> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var full = Prefix.Concat(argv).ToList();
        var psi = new ProcessStartInfo(full[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in full.Skip(1)) psi.ArgumentList.Add(arg);
        psi.Environment["LC_ALL"] = "C";
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw GanetiException.Prereq($"Cannot run {full[0]}: {e.Message}", ErrorCodes.Environment);
        }
        process.StandardInput.Close();
        // Read both streams to their end concurrently; a daemonizing child (qemu -daemonize)
        // closes its copies when it detaches, so the reads end when the parent exits.
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }
            if (!timedOut) throw;
        }
        var outText = await stdout.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "");
        var errText = await stderr.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "");
        return new Result(full, timedOut ? -1 : process.ExitCode, outText, errText, timedOut);
    }

    /// <summary>Runs and throws an OpExecError naming the action, the command and its stderr when it fails.</summary>
    public async Task<Result> RunCheckedAsync(string action, IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var r = await RunAsync(argv, timeout, cancellationToken);
        if (!r.Succeeded)
            throw GanetiException.Exec($"{action} failed: {r.Describe()}");
        return r;
    }

    /// <summary>Sends a signal; false when the process does not exist.</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && kill(pid, signal) == 0;

    public const int SigTerm = 15;
    public const int SigKill = 9;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    /// <summary>Whether pid is a live (not zombie) qemu of the named instance, judged from /proc as Ganeti does.</summary>
    public static bool IsQemuOf(int pid, string instanceName)
    {
        if (pid <= 0) return false;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            if (close > 0 && close + 2 < stat.Length && stat[close + 2] is 'Z' or 'X') return false;
            var args = File.ReadAllText($"/proc/{pid}/cmdline", Encoding.UTF8).Split('\0');
            for (var i = 0; i + 1 < args.Length; i++)
                if (args[i] == "-name" && args[i + 1] == instanceName)
                    return true;
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
