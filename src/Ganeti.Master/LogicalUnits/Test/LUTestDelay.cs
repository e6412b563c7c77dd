using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.LogicalUnits.Test;

/// <summary>gnt-debug delay: sleeps on the master and/or nodes, optionally holding their locks; used to test the job queue.</summary>
public sealed class LUTestDelay : LogicalUnit<OpTestDelay>
{
    public const string TestDelayProcedure = "test_delay";

    public override void CheckArguments()
    {
        if (Op.Duration < 0 || double.IsNaN(Op.Duration))
            throw GanetiException.WrongInput($"Parameter 'duration' must be non-negative, got {Op.Duration}");
        if (Op.Repeat < 0)
            throw GanetiException.WrongInput($"Parameter 'repeat' must be non-negative, got {Op.Repeat}");
    }

    private IEnumerable<Core.Config.Node> TargetNodes() =>
        Op.OnNodes.Select(n => Cfg.FindNode(n) ?? throw GanetiException.NotFound("Node", n));

    public override LockRequest? LocksAt(LockLevel level) =>
        !Op.NoLocks && level == LockLevel.Node && Op.OnNodes.Count > 0
            ? LockRequest.Of(level, TargetNodes().Select(n => n.Uuid))
            : null;

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        _ = TargetNodes().ToList();
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var rounds = Math.Max(1, Op.Repeat);
        var delay = TimeSpan.FromSeconds(Op.Duration);
        for (var i = 0; i < rounds; i++)
        {
            if (Op.Repeat > 0) Log($"Test delay iteration {i + 1}/{rounds}");
            var tasks = new List<Task>();
            if (Op.OnMaster && delay > TimeSpan.Zero)
                tasks.Add(Task.Delay(delay, Op.Interruptible ? ct : CancellationToken.None));
            foreach (var node in TargetNodes())
                tasks.Add(Master.Rpc.CallAsync(node, TestDelayProcedure, new { duration = Op.Duration }, ct,
                    delay + NodeProcedures.Urgent));
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        return null;
    }
}
