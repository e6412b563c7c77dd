using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Jobs;
using Ganeti.Master.LogicalUnits.Backup;
using Ganeti.Master.LogicalUnits.Cluster;
using Ganeti.Master.LogicalUnits.Groups;
using Ganeti.Master.LogicalUnits.Instance;
using Ganeti.Master.LogicalUnits.Nodes;
using Ganeti.Master.LogicalUnits.Os;
using Ganeti.Master.LogicalUnits.Query;
using Ganeti.Master.LogicalUnits.Tags;
using Ganeti.Master.LogicalUnits.Test;

namespace Ganeti.Master.LogicalUnits;

/// <summary>Maps each opcode to the logical unit that runs it (Ganeti's Op&lt;X&gt; → LU&lt;X&gt;).</summary>
public static class LuRegistry
{
    private delegate LogicalUnit Factory(OpCode op, MasterContext master, OpContext job);

    private static readonly Dictionary<Type, Factory> Factories = new()
    {
        [typeof(OpClusterQuery)] = For<OpClusterQuery, LUClusterQuery>(),
        [typeof(OpClusterRedistConf)] = For<OpClusterRedistConf, LUClusterRedistConf>(),
        [typeof(OpClusterSetParams)] = For<OpClusterSetParams, LUClusterSetParams>(),
        [typeof(OpQuery)] = For<OpQuery, LUQuery>(),
        [typeof(OpQueryFields)] = For<OpQueryFields, LUQueryFields>(),
        [typeof(OpInstanceCreate)] = For<OpInstanceCreate, LUInstanceCreate>(),
        [typeof(OpInstanceStartup)] = For<OpInstanceStartup, LUInstanceStartup>(),
        [typeof(OpInstanceShutdown)] = For<OpInstanceShutdown, LUInstanceShutdown>(),
        [typeof(OpInstanceReboot)] = For<OpInstanceReboot, LUInstanceReboot>(),
        [typeof(OpInstanceRemove)] = For<OpInstanceRemove, LUInstanceRemove>(),
        [typeof(OpInstanceRename)] = For<OpInstanceRename, LUInstanceRename>(),
        [typeof(OpInstanceQueryData)] = For<OpInstanceQueryData, LUInstanceQueryData>(),
        [typeof(OpInstanceActivateDisks)] = For<OpInstanceActivateDisks, LUInstanceActivateDisks>(),
        [typeof(OpInstanceDeactivateDisks)] = For<OpInstanceDeactivateDisks, LUInstanceDeactivateDisks>(),
        [typeof(OpInstanceGrowDisk)] = For<OpInstanceGrowDisk, LUInstanceGrowDisk>(),
        [typeof(OpInstanceSetParams)] = For<OpInstanceSetParams, LUInstanceSetParams>(),
        [typeof(OpInstanceMove)] = For<OpInstanceMove, LUInstanceMove>(),
        [typeof(OpInstanceReplaceDisks)] = For<OpInstanceReplaceDisks, LUInstanceReplaceDisks>(),
        [typeof(OpInstanceReinstall)] = For<OpInstanceReinstall, LUInstanceReinstall>(),
        [typeof(OpInstanceMigrate)] = For<OpInstanceMigrate, LUInstanceMigrate>(),
        [typeof(OpInstanceFailover)] = For<OpInstanceFailover, LUInstanceFailover>(),
        [typeof(OpBackupExport)] = For<OpBackupExport, LUBackupExport>(),
        [typeof(OpBackupRemove)] = For<OpBackupRemove, LUBackupRemove>(),
        [typeof(OpInstanceConsole)] = For<OpInstanceConsole, LUInstanceConsole>(),
        [typeof(OpNodeAdd)] = For<OpNodeAdd, LUNodeAdd>(),
        [typeof(OpNodeRemove)] = For<OpNodeRemove, LUNodeRemove>(),
        [typeof(OpNodeSetParams)] = For<OpNodeSetParams, LUNodeSetParams>(),
        [typeof(OpNodeEvacuate)] = For<OpNodeEvacuate, LUNodeEvacuate>(),
        [typeof(OpNodeMigrate)] = For<OpNodeMigrate, LUNodeMigrate>(),
        [typeof(OpInstanceChangeGroup)] = For<OpInstanceChangeGroup, LUInstanceChangeGroup>(),
        [typeof(OpGroupAdd)] = For<OpGroupAdd, LUGroupAdd>(),
        [typeof(OpGroupRename)] = For<OpGroupRename, LUGroupRename>(),
        [typeof(OpGroupSetParams)] = For<OpGroupSetParams, LUGroupSetParams>(),
        [typeof(OpGroupRemove)] = For<OpGroupRemove, LUGroupRemove>(),
        [typeof(OpGroupAssignNodes)] = For<OpGroupAssignNodes, LUGroupAssignNodes>(),
        [typeof(OpGroupEvacuate)] = For<OpGroupEvacuate, LUGroupEvacuate>(),
        [typeof(OpTagsGet)] = For<OpTagsGet, LUTagsGet>(),
        [typeof(OpTagsSet)] = For<OpTagsSet, LUTagsSet>(),
        [typeof(OpTagsDel)] = For<OpTagsDel, LUTagsDel>(),
        [typeof(OpTagsSearch)] = For<OpTagsSearch, LUTagsSearch>(),
        [typeof(OpTestDelay)] = For<OpTestDelay, LUTestDelay>(),
        [typeof(OpTestDummy)] = For<OpTestDummy, LUTestDummy>(),
        [typeof(OpOsDiagnose)] = For<OpOsDiagnose, LUOsDiagnose>(),
    };

    private static Factory For<TOp, TLu>() where TOp : OpCode where TLu : LogicalUnit<TOp>, new() =>
        (op, master, job) => new TLu { Op = (TOp)op, Master = master, Job = job };

    public static bool Supports(string opId) =>
        OpCodeRegistry.TryGet(opId, out var d) && Factories.ContainsKey(d.ClrType);

    public static IReadOnlyCollection<Type> SupportedOpcodes => Factories.Keys;

    public static LogicalUnit Create(OpCode op, MasterContext master, OpContext job) =>
        Factories.TryGetValue(op.GetType(), out var factory)
            ? factory(op, master, job)
            : throw GanetiException.Prereq($"Opcode {op.OpId} is not supported by this master yet", ErrorCodes.WrongInput);
}
