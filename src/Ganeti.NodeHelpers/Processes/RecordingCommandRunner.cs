namespace Ganeti.NodeHelpers.Processes;

/// <summary>
/// A command layer that records what would run instead of running it, and answers with
/// recorded output. The LVM, DRBD and RBD drivers are tested through it: their tools need
/// device-mapper, kernel modules or a Ceph cluster, none of which a test machine (or this
/// project's CI) has. The answers are real output of those tools, captured on machines that
/// had them, so the parsers are tested against the formats the tools actually print.
/// </summary>
public sealed class RecordingCommandRunner : ICommandRunner
{
    private readonly List<(string Program, string[] Prefix, Func<CommandSpec, CommandResult> Answer)> answers = [];
    private readonly List<CommandSpec> commands = [];

    /// <summary>Every command asked for, in order.</summary>
    public IReadOnlyList<CommandSpec> Commands
    {
        get
        {
            lock (commands)
                return [.. commands];
        }
    }

    /// <summary>The commands as command lines, for assertions and logs.</summary>
    public IReadOnlyList<string> CommandLines => [.. Commands.Select(c => c.Display)];

    /// <summary>Answers commands of program whose arguments start with prefix; the latest matching rule wins.</summary>
    public RecordingCommandRunner On(string program, string[] prefix, Func<CommandSpec, CommandResult> answer)
    {
        lock (answers)
            answers.Add((program, prefix, answer));
        return this;
    }

    public RecordingCommandRunner On(string program, string[] prefix, string stdout, int exitCode = 0, string stderr = "") =>
        On(program, prefix, c => new CommandResult(c, exitCode, stdout, stderr, false));

    public RecordingCommandRunner On(string program, string stdout, int exitCode = 0, string stderr = "") =>
        On(program, [], stdout, exitCode, stderr);

    public Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken)
    {
        lock (commands)
            commands.Add(command);
        Func<CommandSpec, CommandResult>? answer;
        lock (answers)
            answer = answers.LastOrDefault(a => a.Program == Path.GetFileName(command.FileName)
                && a.Prefix.Length <= command.Arguments.Count && a.Prefix.SequenceEqual(command.Arguments.Take(a.Prefix.Length))).Answer;
        // Unanswered commands succeed silently: a dry run of what would change.
        return Task.FromResult(answer?.Invoke(command) ?? new CommandResult(command, 0, "", "", false));
    }
}
