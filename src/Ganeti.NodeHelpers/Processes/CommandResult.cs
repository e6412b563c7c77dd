namespace Ganeti.NodeHelpers.Processes;

/// <summary>How an external program ended, with what it printed (unless redirected).</summary>
public sealed record CommandResult(CommandSpec Command, int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>A one-line reason for error messages: exit code or timeout, plus the tail of stderr.</summary>
    public string FailureReason
    {
        get
        {
            var what = TimedOut ? $"timed out after {Command.Timeout.TotalSeconds:0.#} s" : $"exited with code {ExitCode}";
            var tail = Tail(string.IsNullOrWhiteSpace(Stderr) ? Stdout : Stderr, 5);
            return tail.Length == 0 ? what : $"{what}: {tail}";
        }
    }

    public static string Tail(string text, int lines) =>
        string.Join("; ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lines));
}
