using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Jobs;
using Ganeti.Master.Locking;

namespace Ganeti.Master.LogicalUnits;

/// <summary>
/// The code behind one opcode, in Ganeti's phases: check the arguments, declare locks level by
/// level, check prerequisites against the configuration (nothing changed yet), execute.
/// </summary>
public abstract class LogicalUnit
{
    public MasterContext Master { get; init; } = null!;
    public OpContext Job { get; init; } = null!;

    /// <summary>The opcode this unit runs.</summary>
    public abstract OpCode OpCode { get; }

    /// <summary>Take the big cluster lock exclusively (Ganeti's REQ_BGL); most units share it.</summary>
    public virtual bool RequiresBgl => false;

    /// <summary>The configuration as of the last read; refreshed before CheckPrereq.</summary>
    protected ConfigData Cfg { get; private set; } = null!;

    internal void Refresh() => Cfg = Master.Config.Current;

    /// <summary>Argument checks that need no configuration.</summary>
    public virtual void CheckArguments() { }

    /// <summary>The locks needed at a level, asked in level order after the earlier levels are held.</summary>
    public virtual LockRequest? LocksAt(LockLevel level) => null;

    /// <summary>Verifies that the operation can run; must not change anything.</summary>
    public virtual Task CheckPrereqAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Does the work and returns the opcode's result.</summary>
    public abstract Task<JsonNode?> ExecAsync(CancellationToken cancellationToken);

    /// <summary>What a dry run returns after the checks passed.</summary>
    public virtual JsonNode? DryRunResult => null;

    protected void Log(string message) => Job.Log(message);

    /// <summary>The hooks directory name (Ganeti's HPATH, e.g. instance-start), or null when the unit runs no hooks.</summary>
    public virtual string? HooksPath => null;

    /// <summary>GANETI_OBJECT_TYPE: CLUSTER, INSTANCE, NODE or GROUP.</summary>
    public virtual string HooksObjectType => "CLUSTER";

    /// <summary>The unit's hook variables, without the GANETI_ prefix (Ganeti's BuildHooksEnv).</summary>
    public virtual IReadOnlyDictionary<string, string> HooksEnv() => new Dictionary<string, string>();

    /// <summary>Nodes (UUIDs) that run the pre and the post hooks; by default the master (Ganeti's BuildHooksNodes).</summary>
    public virtual (IReadOnlyList<string> Pre, IReadOnlyList<string> Post) HooksNodes() =>
        ([Cfg.Cluster.MasterNode], [Cfg.Cluster.MasterNode]);

    /// <summary>Jobs the master submits once this unit succeeded (Ganeti's ResultWithJobs), or null.</summary>
    public IReadOnlyList<IReadOnlyList<JsonObject>>? FollowUpJobs { get; private set; }

    /// <summary>
    /// Ganeti's ResultWithJobs: the jobs are submitted after execution, and the opcode's result
    /// becomes <paramref name="other"/> plus "jobs": one [true, job id] or [false, error] per job.
    /// </summary>
    protected JsonObject ResultWithJobs(IEnumerable<IReadOnlyList<JsonObject>> jobs, JsonObject? other = null)
    {
        FollowUpJobs = jobs.ToList();
        return other ?? new JsonObject();
    }

    protected Node NodeByUuid(string uuid) => Cfg.Nodes[uuid];
}

/// <summary>A logical unit for a specific opcode type.</summary>
public abstract class LogicalUnit<TOp> : LogicalUnit where TOp : OpCode
{
    public TOp Op { get; init; } = null!;
    public override OpCode OpCode => Op;
}
