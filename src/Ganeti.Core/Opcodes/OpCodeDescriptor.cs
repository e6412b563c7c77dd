namespace Ganeti.Core.Opcodes;

/// <summary>What is known about one opcode: its ids, result and parameters.</summary>
public sealed class OpCodeDescriptor
{
    private readonly Func<OpCode> _create;
    private readonly Dictionary<string, OpParamDescriptor> _byWireName;

    /// <param name="create">Makes an instance with defaults applied and required values unset.</param>
    /// <param name="parameters">The opcode's own parameters; the common ones are added after them.</param>
    public OpCodeDescriptor(string opId, Type clrType, string result, Func<OpCode> create,
        IReadOnlyList<OpParamDescriptor> parameters)
    {
        OpId = opId;
        ClrType = clrType;
        Result = result;
        _create = create;
        Parameters = [.. parameters, .. CommonParams.All];
        _byWireName = Parameters.ToDictionary(p => p.WireName, StringComparer.Ordinal);
    }

    /// <summary>Ganeti's OP_ID, e.g. OP_INSTANCE_CREATE.</summary>
    public string OpId { get; }

    /// <summary>The C# class name, which is also Ganeti's, e.g. OpInstanceCreate.</summary>
    public string ClassName => ClrType.Name;

    /// <summary>The C# class.</summary>
    public Type ClrType { get; }

    /// <summary>Ganeti's description of what the opcode returns.</summary>
    public string Result { get; }

    /// <summary>All parameters in Ganeti's order, the common ones last.</summary>
    public IReadOnlyList<OpParamDescriptor> Parameters { get; }

    public bool TryGetParameter(string wireName, out OpParamDescriptor parameter) =>
        _byWireName.TryGetValue(wireName, out parameter!);

    /// <summary>
    /// A new instance with every default applied. Required parameters are left unset, so the
    /// caller must fill them before the opcode validates; the serializer does.
    /// </summary>
    internal OpCode CreateUnfilled() => _create();

    public override string ToString() => OpId;
}
