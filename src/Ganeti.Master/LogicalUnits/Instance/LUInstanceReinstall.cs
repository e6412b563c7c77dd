using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// gnt-instance reinstall: runs the OS definition's create script again (INSTANCE_REINSTALL=1)
/// on a stopped instance, optionally switching to another OS or OS parameters.
/// </summary>
public sealed class LUInstanceReinstall : InstanceLockingLU<OpInstanceReinstall>
{
    public override string? HooksPath => "instance-reinstall";

    private string os = "";

    protected override string InstanceName => Op.InstanceName;

    public override async Task CheckPrereqAsync(CancellationToken ct)
    {
        var inst = Inst;
        if (inst.AdminState == AdminStates.Up)
            throw GanetiException.WrongState($"Instance {inst.Name} is marked to be up; stop it before reinstalling");
        var node = InstanceOps.PrimaryOnline(Cfg, inst);
        if (await InstanceOps.LiveInfoAsync(Master, Cfg, inst, ct).ConfigureAwait(false) is not null)
            throw GanetiException.WrongState($"Instance {inst.Name} is running; stop it before reinstalling");
        os = Op.OsType ?? inst.Os;
        if (string.IsNullOrEmpty(os))
            throw GanetiException.WrongInput($"Instance {inst.Name} has no OS; give one (os_type)");
        var info = await Master.Rpc.CallAsync<OsInfo>(node, NodeProcedures.OsGet, new { name = os }, ct).ConfigureAwait(false);
        if (info.Variants.Count > 0 && !Op.ForceVariant && !os.Contains('+'))
            throw GanetiException.WrongInput($"OS '{os}' needs a variant (one of: {string.Join(", ", info.Variants)})");
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var uuid = Inst.Uuid;
        await Master.Config.UpdateAsync(c =>
        {
            var i = c.Instances[uuid];
            i.Os = os;
            if (Op.Osparams is not null) i.Osparams = new(Op.Osparams);
            if (Op.OsparamsPrivate is not null) i.OsparamsPrivate = new(Op.OsparamsPrivate);
            i.Touch(Config.ConfigStore.Now());
        }, ct).ConfigureAwait(false);
        var cfg = Master.Config.Current;
        var inst = cfg.Instances[uuid];
        var node = cfg.Nodes[inst.PrimaryNode];
        var disks = await InstanceOps.AssembleDisksAsync(Master, cfg, inst, Log, ct).ConfigureAwait(false);
        try
        {
            Log($"Running the OS create script of '{os}' on node {node.Name} (reinstall)");
            await Master.Rpc.CallAsync(node, NodeProcedures.InstanceOsAdd,
                new { instance = InstanceSpecs.Build(cfg, inst, disks), reinstall = true, debug = Op.DebugLevel }, ct).ConfigureAwait(false);
        }
        finally
        {
            await InstanceOps.ShutdownDisksAsync(Master, cfg, inst, Log, ignoreFailures: true, ct).ConfigureAwait(false);
        }
        return null;
    }
}
