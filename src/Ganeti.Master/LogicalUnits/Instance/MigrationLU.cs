using System.Text.Json.Nodes;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// gnt-instance migrate and failover share their locking and their work (InstanceMigration):
/// the instance, then its primary and the target node, or every node while an allocator still
/// has to choose the target.
/// </summary>
public abstract class MigrationLU<TOp> : LogicalUnit<TOp> where TOp : OpCode
{
    private InstanceMigration? migration;

    protected abstract MigrationRequest Request { get; }

    protected InstanceMigration Migration => migration ??= new InstanceMigration(Master, Request, Log);

    public override LockRequest? LocksAt(LockLevel level)
    {
        switch (level)
        {
            case LockLevel.Instance:
                return LockRequest.Of(level, [InstanceOps.Find(Cfg, Request.InstanceName).Name]);
            case LockLevel.Node or LockLevel.NodeRes:
                var nodes = InstanceMigration.NodesToLock(Cfg, InstanceOps.Find(Cfg, Request.InstanceName), Request);
                return nodes is null ? LockRequest.AllOf(level) : LockRequest.Of(level, nodes);
            default:
                return null;
        }
    }

    public override Task CheckPrereqAsync(CancellationToken ct) => Migration.CheckPrereqAsync(Cfg, ct);

    public override string? HooksPath => Migration.Failover ? "instance-failover" : "instance-migrate";

    public override string HooksObjectType => "INSTANCE";

    public override IReadOnlyDictionary<string, string> HooksEnv()
    {
        var env = HooksMaster.InstanceEnv(Cfg, InstanceOps.Find(Cfg, Request.InstanceName));
        if (Migration.Target is { } target) env["NEW_PRIMARY"] = target.Name;
        env["OLD_PRIMARY"] = env["INSTANCE_PRIMARY"];
        if (!Migration.Failover)
        {
            env["MIGRATE_LIVE"] = Migration.Live ? "True" : "False";
            env["MIGRATE_CLEANUP"] = Request.Cleanup ? "True" : "False";
        }
        else
            env["SHUTDOWN_TIMEOUT"] = Request.ShutdownTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return env;
    }

    public override (IReadOnlyList<string> Pre, IReadOnlyList<string> Post) HooksNodes()
    {
        var inst = InstanceOps.Find(Cfg, Request.InstanceName);
        var nodes = new List<string> { Cfg.Cluster.MasterNode };
        nodes.AddRange(Cfg.InstanceNodes(inst));
        if (Migration.Target is { } target) nodes.Add(target.Uuid);
        return (nodes, nodes);
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        await Migration.ExecAsync(ct).ConfigureAwait(false);
        return null;
    }
}
