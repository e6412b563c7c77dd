using System.Text.Json.Nodes;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Jobs;
using Ganeti.Master.Locking;

namespace Ganeti.Master.LogicalUnits;

/// <summary>
/// Runs an opcode through its logical unit, as Ganeti's mcpu does: arguments, locks in level
/// order (the job shows "waiting" meanwhile), prerequisites, pre hooks, execution, post hooks
/// (hooks and execution skipped on dry run).
/// All locks are released when the opcode ends, whatever happened.
/// </summary>
public sealed class Processor(MasterContext master) : IOpExecutor
{
    private static readonly LockLevel[] LevelsAfterCluster =
        [LockLevel.Instance, LockLevel.NodeGroup, LockLevel.Node, LockLevel.NodeRes, LockLevel.Network];

    public async Task<JsonNode?> ExecuteAsync(JsonObject input, OpContext context, CancellationToken cancellationToken)
    {
        var op = OpCodeSerializer.FromJson(input);
        // Nodes that replication cannot reach are reported in this opcode's log.
        Replication.ReplicationFeedback.Current = message => context.Log(message);
        var lu = LuRegistry.Create(op, master, context);
        lu.CheckArguments();
        var owner = context.LockOwner;
        try
        {
            lu.Refresh();
            await master.Locks.AcquireAsync(owner, new LockRequest(LockLevel.Cluster, ["cluster"], Shared: !lu.RequiresBgl),
                cancellationToken).ConfigureAwait(false);
            foreach (var level in LevelsAfterCluster)
            {
                lu.Refresh();
                if (lu.LocksAt(level) is { } request)
                    await master.Locks.AcquireAsync(owner, request, cancellationToken).ConfigureAwait(false);
            }
            await context.MarkRunningAsync().ConfigureAwait(false);
            lu.Refresh();
            await lu.CheckPrereqAsync(cancellationToken).ConfigureAwait(false);
            if (op.DryRun)
            {
                context.Log("Dry run: the checks passed, nothing was changed");
                return lu.DryRunResult;
            }
            var hooks = new HooksMaster(master, lu, message => context.Log(message));
            await hooks.RunPreAsync(master.Config.Current, cancellationToken).ConfigureAwait(false);
            var result = await lu.ExecAsync(cancellationToken).ConfigureAwait(false);
            await hooks.RunPostAsync(master.Config.Current, cancellationToken).ConfigureAwait(false);
            if (lu.FollowUpJobs is { } jobs)
                result = await SubmitFollowUpsAsync(result, jobs, context).ConfigureAwait(false);
            return result;
        }
        finally
        {
            master.Locks.Release(owner);
        }
    }

    private async Task<JsonNode?> SubmitFollowUpsAsync(JsonNode? result, IReadOnlyList<IReadOnlyList<JsonObject>> jobs, OpContext context)
    {
        var submit = master.SubmitJobs ?? throw new InvalidOperationException("This master cannot submit follow-up jobs");
        var obj = result as JsonObject ?? new JsonObject();
        var submitted = jobs.Count == 0 ? new JsonArray() : await submit(jobs).ConfigureAwait(false);
        obj["jobs"] = submitted;
        int ok = submitted.Count(j => j is JsonArray a && a[0]?.GetValue<bool>() == true);
        context.Log(ok == submitted.Count
            ? $"Submitted {ok} follow-up job(s)"
            : $"Submitted {ok} of {submitted.Count} follow-up job(s); see the result for the others");
        return obj;
    }
}
