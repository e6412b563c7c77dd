using System.Text.Json.Nodes;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Rpc;

/// <summary>
/// The node side of instance migration, in Ganeti's rpc_defs shape: migration_info and
/// finalize on the source, accept_instance and finalize on the target, instance_migrate and
/// the status poll on the source. The hypervisor is the instance's own.
/// </summary>
public static class MigrationProcedures
{
    public static void Register(NodeRpcDispatcher dispatcher, NodeContext node)
    {
        dispatcher.Register(NodeProcedures.MigrationInfo, async (args, ct) =>
        {
            var instance = Instance(args, NodeProcedures.MigrationInfo);
            return await node.Hypervisor(instance.Hypervisor).MigrationInfoAsync(instance, ct);
        });
        dispatcher.Register(NodeProcedures.AcceptInstance, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.AcceptInstance);
            var instance = RpcArgs.Get<InstanceSpec>(a, "instance", NodeProcedures.AcceptInstance);
            await node.Hypervisor(instance.Hypervisor).AcceptInstanceAsync(instance, a["info"]?.DeepClone(),
                RpcArgs.Get<string>(a, "target", NodeProcedures.AcceptInstance), ct);
            return null;
        });
        dispatcher.Register(NodeProcedures.InstanceMigrate, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.InstanceMigrate);
            var instance = RpcArgs.Get<InstanceSpec>(a, "instance", NodeProcedures.InstanceMigrate);
            var live = await node.Hypervisor(instance.Hypervisor).MigrateAsync(instance,
                RpcArgs.Get<string>(a, "target", NodeProcedures.InstanceMigrate),
                RpcArgs.Get<bool>(a, "live", NodeProcedures.InstanceMigrate), ct);
            // Whether the guest runs during the copy: false when the hypervisor had to pause it.
            return new JsonObject { ["live"] = live };
        });
        dispatcher.Register(NodeProcedures.InstanceGetMigrationStatus, async (args, ct) =>
        {
            var instance = Instance(args, NodeProcedures.InstanceGetMigrationStatus);
            return RpcArgs.Result(await node.Hypervisor(instance.Hypervisor).GetMigrationStatusAsync(instance, ct));
        });
        dispatcher.Register(NodeProcedures.InstanceFinalizeMigrationDst, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.InstanceFinalizeMigrationDst);
            var instance = RpcArgs.Get<InstanceSpec>(a, "instance", NodeProcedures.InstanceFinalizeMigrationDst);
            await node.Hypervisor(instance.Hypervisor).FinalizeMigrationDstAsync(instance, a["info"]?.DeepClone(),
                RpcArgs.Get<bool>(a, "success", NodeProcedures.InstanceFinalizeMigrationDst), ct);
            return null;
        });
        dispatcher.Register(NodeProcedures.InstanceFinalizeMigrationSrc, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.InstanceFinalizeMigrationSrc);
            var instance = RpcArgs.Get<InstanceSpec>(a, "instance", NodeProcedures.InstanceFinalizeMigrationSrc);
            await node.Hypervisor(instance.Hypervisor).FinalizeMigrationSourceAsync(instance,
                RpcArgs.Get<bool>(a, "success", NodeProcedures.InstanceFinalizeMigrationSrc),
                RpcArgs.Get<bool>(a, "live", NodeProcedures.InstanceFinalizeMigrationSrc), ct);
            return null;
        });
    }

    private static InstanceSpec Instance(JsonNode? args, string procedure) =>
        RpcArgs.Get<InstanceSpec>(RpcArgs.Object(args, procedure), "instance", procedure);
}
