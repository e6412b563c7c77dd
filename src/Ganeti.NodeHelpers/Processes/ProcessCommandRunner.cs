using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Ganeti.NodeHelpers.Processes;

/// <summary>
/// Runs programs for real: argument vector, cleaned environment, timeout (the whole process
/// tree is killed), stdout and stderr captured or written to a log file.
/// </summary>
public sealed class ProcessCommandRunner : ICommandRunner
{
    public static readonly ProcessCommandRunner Instance = new();

    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Captured output beyond this is dropped from the front; errors only need the end.</summary>
    private const int MaxCapturedChars = 4 * 1024 * 1024;

    public async Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = command.WorkingDirectory ?? "/",
        };
        foreach (var a in command.Arguments)
            psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        var env = command.Environment ?? new Dictionary<string, string> { ["PATH"] = DefaultPath, ["LC_ALL"] = "C" };
        foreach (var (k, v) in env)
            psi.Environment[k] = v;

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return new CommandResult(command, 127, "", $"cannot run {command.FileName}: {e.Message}", false);
        }

        FileStream? log = null;
        if (command.LogFile is not null)
            log = new FileStream(command.LogFile, FileMode.Append, FileAccess.Write, FileShare.Read);
        var logLock = new SemaphoreSlim(1, 1);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var timeout = new CancellationTokenSource(command.Timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var stdinTask = FeedStdinAsync(process, command.Stdin, linked.Token);
            Task outTask = command.Stdout is not null
                ? process.StandardOutput.BaseStream.CopyToAsync(command.Stdout, 1 << 20, linked.Token)
                : PumpAsync(process.StandardOutput.BaseStream, stdout, log, logLock, linked.Token);
            var errTask = PumpAsync(process.StandardError.BaseStream, stderr, log, logLock, linked.Token);
            try
            {
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
                await Task.WhenAll(outTask, errTask).WaitAsync(linked.Token).ConfigureAwait(false);
                await stdinTask.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested)
                    throw;
                return new CommandResult(command, -1, stdout.ToString(), stderr.ToString(), true);
            }
            catch (IOException) when (process.HasExited)
            {
                // The child closed stdin early (it did not want all the input): its exit code decides.
            }
            return new CommandResult(command, process.ExitCode, stdout.ToString(), stderr.ToString(), false);
        }
        finally
        {
            if (log is not null)
                await log.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task FeedStdinAsync(Process process, Stream? input, CancellationToken cancellationToken)
    {
        try
        {
            if (input is not null)
                await input.CopyToAsync(process.StandardInput.BaseStream, 1 << 20, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task PumpAsync(Stream source, StringBuilder capture, FileStream? log, SemaphoreSlim logLock,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        var decoder = Encoding.UTF8.GetDecoder();
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        int n;
        while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (log is not null)
            {
                await logLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await log.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    await log.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    logLock.Release();
                }
            }
            else
            {
                var c = decoder.GetChars(buffer, 0, n, chars, 0);
                capture.Append(chars, 0, c);
                if (capture.Length > MaxCapturedChars)
                    capture.Remove(0, capture.Length - MaxCapturedChars);
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
