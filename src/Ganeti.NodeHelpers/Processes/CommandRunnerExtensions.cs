using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Processes;

public static class CommandRunnerExtensions
{
    /// <summary>Runs the command and throws an OpExecError with its stderr when it fails.</summary>
    public static async Task<CommandResult> RunCheckedAsync(this ICommandRunner runner, CommandSpec command,
        string what, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw GanetiException.Exec($"{what}: {command.Display} {result.FailureReason}");
        return result;
    }

    public static Task<CommandResult> RunCheckedAsync(this ICommandRunner runner, string what,
        CancellationToken cancellationToken, string fileName, params string[] arguments) =>
        runner.RunCheckedAsync(new CommandSpec(fileName, arguments), what, cancellationToken);
}
