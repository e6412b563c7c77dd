namespace Ganeti.NodeHelpers.Rpc;

/// <summary>Builds a node's dispatcher with every procedure area registered.</summary>
public static class NodeServices
{
    public static NodeRpcDispatcher CreateDispatcher(NodeContext ctx)
    {
        var d = new NodeRpcDispatcher();
        InstanceRpc.Register(d, ctx);
        StorageRpc.Register(d, ctx);
        OsRpc.Register(d, ctx);
        MigrationProcedures.Register(d, ctx);
        ImportExportRpc.Register(d, ctx);
        ClusterFilesRpc.Register(d, ctx);
        MasterRoleRpc.Register(d, ctx);
        HooksRpc.Register(d, ctx);
        return d;
    }
}
