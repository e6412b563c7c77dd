namespace Ganeti.NodeHelpers.Processes;

/// <summary>
/// Runs external programs. Storage drivers take one so that drivers whose tools cannot run
/// on a machine (LVM and DRBD need device-mapper) can be exercised against a runner that
/// records what would run and answers with recorded output.
/// </summary>
public interface ICommandRunner
{
    Task<CommandResult> RunAsync(CommandSpec command, CancellationToken cancellationToken);
}
