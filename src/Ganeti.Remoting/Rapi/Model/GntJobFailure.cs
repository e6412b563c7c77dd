namespace Ganeti.Remoting.Rapi.Model;

/// <summary>Why a job failed: the first opcode that did not succeed, and Ganeti's error for it.</summary>
public sealed class GntJobFailure
{
    public int OpIndex { get; init; }
    public string? OpId { get; init; }
    /// <summary>error or canceled.</summary>
    public string Status { get; init; } = "error";
    /// <summary>Ganeti's exception class, e.g. OpPrereqError, OpExecError.</summary>
    public string? ErrorClass { get; init; }
    public string Message { get; init; } = "";
    /// <summary>Ganeti's error kind (wrong_input, unknown_entity, ...) when the error carries one.</summary>
    public string? Ecode { get; init; }

    public override string ToString() =>
        Ecode is null ? $"{ErrorClass}: {Message}" : $"{ErrorClass}: {Message} ({Ecode})";
}
