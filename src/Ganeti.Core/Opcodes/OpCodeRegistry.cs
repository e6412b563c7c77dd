using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Ganeti.Core.Opcodes;

/// <summary>Every opcode Ganeti defines, by OP_ID and by C# type.</summary>
public static partial class OpCodeRegistry
{
    private static readonly FrozenDictionary<string, OpCodeDescriptor> ByOpId =
        Descriptors().ToFrozenDictionary(d => d.OpId, StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, OpCodeDescriptor> ByType =
        ByOpId.Values.ToFrozenDictionary(d => d.ClrType);

    /// <summary>All opcodes, ordered by OP_ID.</summary>
    public static IReadOnlyList<OpCodeDescriptor> All { get; } =
        [.. ByOpId.Values.OrderBy(d => d.OpId, StringComparer.Ordinal)];

    public static bool TryGet(string opId, [NotNullWhen(true)] out OpCodeDescriptor? descriptor) =>
        ByOpId.TryGetValue(opId, out descriptor);

    /// <summary>The descriptor of an opcode class.</summary>
    public static OpCodeDescriptor Get(Type opCodeType) =>
        ByType.TryGetValue(opCodeType, out var d)
            ? d
            : throw new ArgumentException($"{opCodeType.Name} is not a registered opcode", nameof(opCodeType));

    /// <summary>The descriptor of an OP_ID; unknown ids are bad input.</summary>
    public static OpCodeDescriptor Get(string opId) =>
        TryGet(opId, out var d) ? d : throw Errors.GanetiException.WrongInput($"Unknown opcode '{opId}'");

    private static partial IEnumerable<OpCodeDescriptor> Descriptors();
}
