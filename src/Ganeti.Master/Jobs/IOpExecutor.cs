using System.Text.Json.Nodes;

namespace Ganeti.Master.Jobs;

/// <summary>Runs one opcode of a job: the logical-unit processor implements it.</summary>
public interface IOpExecutor
{
    /// <summary>
    /// Runs the opcode. The executor reports the move from "waiting" (for locks) to "running"
    /// through <see cref="OpContext.MarkRunningAsync"/>, and log lines through <see cref="OpContext.Log"/>.
    /// Returns the opcode's result; throws GanetiException on failure.
    /// </summary>
    Task<JsonNode?> ExecuteAsync(JsonObject input, OpContext context, CancellationToken cancellationToken);
}
