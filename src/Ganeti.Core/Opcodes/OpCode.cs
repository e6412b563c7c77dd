using System.Text.Json;

namespace Ganeti.Core.Opcodes;

/// <summary>
/// Base of all opcodes: the typed form of one operation, with the parameters every opcode
/// shares. Concrete opcodes (OpInstanceCreate, ...) are generated from Ganeti's opcode list
/// and serialize to Ganeti's JSON form <c>{"OP_ID": "OP_INSTANCE_CREATE", ...}</c>.
/// </summary>
public abstract partial class OpCode
{
    /// <summary>Ganeti's OP_ID, e.g. OP_INSTANCE_CREATE.</summary>
    public abstract string OpId { get; }

    /// <summary>Run the checks only, change nothing.</summary>
    public bool DryRun { get; set; }

    /// <summary>Debug level for the opcode's execution.</summary>
    public int DebugLevel { get; set; }

    /// <summary>Opcode priority: 0 normal, -10 high, 10 low.</summary>
    public int Priority { get; set; }

    /// <summary>Job dependencies: [[job id (absolute or negative relative), [final statuses]], ...].</summary>
    public List<JsonElement>? Depends { get; set; }

    /// <summary>Free-form comment stored with the job.</summary>
    public string? Comment { get; set; }

    /// <summary>Reason trail: [[source, reason, timestamp], ...].</summary>
    public List<JsonElement>? Reason { get; set; } = [];
}
