using System.Text.Json;

namespace Ganeti.Core.Opcodes;

/// <summary>
/// The parameters every opcode has, as properties of <see cref="OpCode"/>. Ganeti's default
/// for dry_run and debug_level is None, which it treats as false and 0; the typed properties
/// hold false and 0 directly, and a null on the wire reads as those.
/// </summary>
internal static class CommonParams
{
    public const string DependsType =
        "None or (List of (((List of Anything) or Tuple) and (Length 2) and (Item 0 is (JobId or RelativeJobId), " +
        "item 1 is (List of (OneOf success, error, canceled)))))";

    public static readonly IReadOnlyList<OpParamDescriptor> All =
    [
        OpParamDescriptor.Create<OpCode, bool?>("dry_run", nameof(OpCode.DryRun), typeof(bool), "None or Boolean", "null",
            op => op.DryRun, (op, v) => op.DryRun = v ?? false),
        OpParamDescriptor.Create<OpCode, int?>("debug_level", nameof(OpCode.DebugLevel), typeof(int), "None or EqualOrGreaterThanZero", "null",
            op => op.DebugLevel, (op, v) => op.DebugLevel = v ?? 0),
        OpParamDescriptor.Create<OpCode, int>("priority", nameof(OpCode.Priority), "OneOf 0, 10, -10", "0",
            op => op.Priority, (op, v) => op.Priority = v),
        OpParamDescriptor.Create<OpCode, List<JsonElement>?>("depends", nameof(OpCode.Depends), DependsType, "null",
            op => op.Depends, (op, v) => op.Depends = v),
        OpParamDescriptor.Create<OpCode, string?>("comment", nameof(OpCode.Comment), "None or String", "null",
            op => op.Comment, (op, v) => op.Comment = v),
        OpParamDescriptor.Create<OpCode, List<JsonElement>?>("reason", nameof(OpCode.Reason), "None or (List of Anything)", "[]",
            op => op.Reason, (op, v) => op.Reason = v),
    ];
}
