using System.Text.Json.Nodes;
using Ganeti.Core.Json;
using Ganeti.Core.Paths;
using Ganeti.NodeHelpers.Hypervisors.Fake;
using Ganeti.NodeHelpers.Rpc;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Rpc;

public sealed class MigrationProceduresTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("gnt-mig-rpc").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private NodeRpcDispatcher Node(string name)
    {
        var paths = new GanetiPaths(Path.Combine(root, name));
        var dispatcher = new NodeRpcDispatcher();
        MigrationProcedures.Register(dispatcher, new NodeContext(name, paths, [new FakeHypervisor(paths)]));
        return dispatcher;
    }

    [Fact]
    public async Task A_migration_runs_through_the_procedures_in_ganetis_order()
    {
        var source = Node("n1");
        var target = Node("n2");
        var instance = new InstanceSpec { Name = "web1", Uuid = "u1", Hypervisor = "fake" };
        var paths1 = new GanetiPaths(Path.Combine(root, "n1"));
        await new FakeHypervisor(paths1).StartAsync(instance, false, CancellationToken.None);
        var spec = GanetiJson.ToNode(instance);

        var info = await source.DispatchAsync(NodeProcedures.MigrationInfo, new JsonObject { ["instance"] = spec!.DeepClone() }, CancellationToken.None);
        await target.DispatchAsync(NodeProcedures.AcceptInstance,
            new JsonObject { ["instance"] = spec.DeepClone(), ["info"] = info?.DeepClone(), ["target"] = "192.0.2.2" }, CancellationToken.None);
        var started = await source.DispatchAsync(NodeProcedures.InstanceMigrate,
            new JsonObject { ["instance"] = spec.DeepClone(), ["target"] = "192.0.2.2", ["live"] = true }, CancellationToken.None);
        Assert.True(started!["live"]!.GetValue<bool>());
        var status = await source.DispatchAsync(NodeProcedures.InstanceGetMigrationStatus,
            new JsonObject { ["instance"] = spec.DeepClone() }, CancellationToken.None);
        Assert.Equal("completed", status!["status"]!.GetValue<string>());
        await target.DispatchAsync(NodeProcedures.InstanceFinalizeMigrationDst,
            new JsonObject { ["instance"] = spec.DeepClone(), ["info"] = info?.DeepClone(), ["success"] = true }, CancellationToken.None);
        await source.DispatchAsync(NodeProcedures.InstanceFinalizeMigrationSrc,
            new JsonObject { ["instance"] = spec.DeepClone(), ["success"] = true, ["live"] = true }, CancellationToken.None);

        Assert.Empty(await new FakeHypervisor(paths1).ListInstancesAsync(CancellationToken.None));
        Assert.Equal(["web1"], await new FakeHypervisor(new GanetiPaths(Path.Combine(root, "n2"))).ListInstancesAsync(CancellationToken.None));
    }
}
