using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Jobs;
using Ganeti.Master.LogicalUnits.Backup;
using Ganeti.Master.LogicalUnits.Cluster;
using Ganeti.Master.LogicalUnits.Instance;
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
        [typeof(OpClusterQuery)] = (o, m, j) => new LUClusterQuery { Op = (OpClusterQuery)o, Master = m, Job = j },
        [typeof(OpClusterRedistConf)] = (o, m, j) => new LUClusterRedistConf { Op = (OpClusterRedistConf)o, Master = m, Job = j },
        [typeof(OpQuery)] = (o, m, j) => new LUQuery { Op = (OpQuery)o, Master = m, Job = j },
        [typeof(OpQueryFields)] = (o, m, j) => new LUQueryFields { Op = (OpQueryFields)o, Master = m, Job = j },
        [typeof(OpInstanceCreate)] = (o, m, j) => new LUInstanceCreate { Op = (OpInstanceCreate)o, Master = m, Job = j },
        [typeof(OpInstanceStartup)] = (o, m, j) => new LUInstanceStartup { Op = (OpInstanceStartup)o, Master = m, Job = j },
        [typeof(OpInstanceShutdown)] = (o, m, j) => new LUInstanceShutdown { Op = (OpInstanceShutdown)o, Master = m, Job = j },
        [typeof(OpInstanceReboot)] = (o, m, j) => new LUInstanceReboot { Op = (OpInstanceReboot)o, Master = m, Job = j },
        [typeof(OpInstanceRemove)] = (o, m, j) => new LUInstanceRemove { Op = (OpInstanceRemove)o, Master = m, Job = j },
        [typeof(OpInstanceRename)] = (o, m, j) => new LUInstanceRename { Op = (OpInstanceRename)o, Master = m, Job = j },
        [typeof(OpInstanceQueryData)] = (o, m, j) => new LUInstanceQueryData { Op = (OpInstanceQueryData)o, Master = m, Job = j },
        [typeof(OpInstanceActivateDisks)] = (o, m, j) => new LUInstanceActivateDisks { Op = (OpInstanceActivateDisks)o, Master = m, Job = j },
        [typeof(OpInstanceDeactivateDisks)] = (o, m, j) => new LUInstanceDeactivateDisks { Op = (OpInstanceDeactivateDisks)o, Master = m, Job = j },
        [typeof(OpInstanceGrowDisk)] = (o, m, j) => new LUInstanceGrowDisk { Op = (OpInstanceGrowDisk)o, Master = m, Job = j },
        [typeof(OpInstanceReinstall)] = (o, m, j) => new LUInstanceReinstall { Op = (OpInstanceReinstall)o, Master = m, Job = j },
        [typeof(OpBackupExport)] = (o, m, j) => new LUBackupExport { Op = (OpBackupExport)o, Master = m, Job = j },
        [typeof(OpBackupRemove)] = (o, m, j) => new LUBackupRemove { Op = (OpBackupRemove)o, Master = m, Job = j },
        [typeof(OpInstanceConsole)] = (o, m, j) => new LUInstanceConsole { Op = (OpInstanceConsole)o, Master = m, Job = j },
        [typeof(OpTagsGet)] = (o, m, j) => new LUTagsGet { Op = (OpTagsGet)o, Master = m, Job = j },
        [typeof(OpTagsSet)] = (o, m, j) => new LUTagsSet { Op = (OpTagsSet)o, Master = m, Job = j },
        [typeof(OpTagsDel)] = (o, m, j) => new LUTagsDel { Op = (OpTagsDel)o, Master = m, Job = j },
        [typeof(OpTagsSearch)] = (o, m, j) => new LUTagsSearch { Op = (OpTagsSearch)o, Master = m, Job = j },
        [typeof(OpTestDelay)] = (o, m, j) => new LUTestDelay { Op = (OpTestDelay)o, Master = m, Job = j },
        [typeof(OpOsDiagnose)] = (o, m, j) => new LUOsDiagnose { Op = (OpOsDiagnose)o, Master = m, Job = j },
    };

    public static bool Supports(string opId) =>
        OpCodeRegistry.TryGet(opId, out var d) && Factories.ContainsKey(d.ClrType);

    public static IReadOnlyCollection<Type> SupportedOpcodes => Factories.Keys;

    public static LogicalUnit Create(OpCode op, MasterContext master, OpContext job) =>
        Factories.TryGetValue(op.GetType(), out var factory)
            ? factory(op, master, job)
            : throw GanetiException.Prereq($"Opcode {op.OpId} is not supported by this master yet", ErrorCodes.WrongInput);
}
