namespace Ganeti.Remoting.Rapi.Model;

/// <summary>The result of one opcode of a finished job (what <c>gnt-job info</c> shows as "Result").</summary>
public sealed class GntJobResult
{
    public long JobId { get; init; }
    public int Index { get; init; }
    public string? OpId { get; init; }
    public string? Status { get; init; }
    /// <summary>The opcode's result as plain values; for a failed opcode, Ganeti's [class, [message, kind]].</summary>
    public object? Result { get; init; }

    public override string ToString() => $"{JobId}/{Index} {OpId} {Status}";
}
