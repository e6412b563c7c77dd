namespace Ganeti.NodeHelpers.Processes;

/// <summary>
/// One external program run: an argument vector (never a shell string), an optional
/// replacement environment, a timeout, and where stdin comes from and stdout goes to.
/// </summary>
public sealed record CommandSpec
{
    public CommandSpec(string fileName, params IEnumerable<string> arguments)
    {
        FileName = fileName;
        Arguments = [.. arguments];
    }

    public string FileName { get; init; }
    public IReadOnlyList<string> Arguments { get; init; }

    /// <summary>
    /// When set, the child gets exactly this environment and nothing of ours; when null it
    /// gets a minimal one (PATH and LC_ALL=C) so tool output is stable to parse.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    public string? WorkingDirectory { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Fed to the child's stdin, then closed; null gives it an empty stdin.</summary>
    public Stream? Stdin { get; init; }

    /// <summary>When set, stdout is copied here instead of being captured.</summary>
    public Stream? Stdout { get; init; }

    /// <summary>When set, stdout and stderr both go to this file (appended) instead of being captured.</summary>
    public string? LogFile { get; init; }

    public string Display => string.Join(' ', new[] { FileName }.Concat(Arguments).Select(Quote));

    private static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}
