using System.Text.Json;
using Ganeti.NodeHelpers.Os;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Rpc;

/// <summary>The OS procedures: os_diagnose, os_get, os_validate, instance_os_add, instance_run_rename.</summary>
public static class OsRpc
{
    /// <summary>What instance_os_add and instance_run_rename answer: the script's log on this node.</summary>
    public sealed record OsScriptResult(string LogFile);

    public static void Register(NodeRpcDispatcher d, NodeContext ctx) =>
        Register(d, new OsRunner(new OsDiscovery(ctx), ctx.Paths, ProcessCommandRunner.Instance, null, StorageDrivers.CreateDefault(ctx)));

    public static void Register(NodeRpcDispatcher d, OsRunner runner)
    {
        d.Register(NodeProcedures.OsDiagnose, (_, _) => Task.FromResult(RpcArgs.Result(runner.Discovery.Diagnose())));

        d.Register(NodeProcedures.OsGet, (args, _) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.OsGet);
            var os = runner.Discovery.Get(RpcArgs.Get<string>(a, "name", NodeProcedures.OsGet));
            return Task.FromResult(RpcArgs.Result(OsDiagnosis.Valid(os)));
        });

        d.Register(NodeProcedures.OsValidate, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.OsValidate);
            var ok = await runner.ValidateAsync(
                RpcArgs.Get<string>(a, "name", NodeProcedures.OsValidate),
                RpcArgs.GetOptional<bool?>(a, "required") ?? true,
                RpcArgs.GetOptional<List<string>>(a, "checks") ?? [OsScripts.VerifyParameters],
                RpcArgs.GetOptional<Dictionary<string, JsonElement>>(a, "osparams") ?? [], ct).ConfigureAwait(false);
            return RpcArgs.Result(ok);
        });

        d.Register(NodeProcedures.InstanceOsAdd, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.InstanceOsAdd);
            var log = await runner.CreateAsync(
                RpcArgs.Get<InstanceSpec>(a, "instance", NodeProcedures.InstanceOsAdd),
                RpcArgs.GetOptional<bool>(a, "reinstall"),
                RpcArgs.GetOptional<int>(a, "debug"), ct).ConfigureAwait(false);
            return RpcArgs.Result(new OsScriptResult(log));
        });

        d.Register(NodeProcedures.InstanceRunRename, async (args, ct) =>
        {
            var a = RpcArgs.Object(args, NodeProcedures.InstanceRunRename);
            var log = await runner.RenameAsync(
                RpcArgs.Get<InstanceSpec>(a, "instance", NodeProcedures.InstanceRunRename),
                RpcArgs.Get<string>(a, "old_name", NodeProcedures.InstanceRunRename),
                RpcArgs.GetOptional<int>(a, "debug"), ct).ConfigureAwait(false);
            return RpcArgs.Result(new OsScriptResult(log));
        });
    }
}
