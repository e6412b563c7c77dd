using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Opcodes.Types;

namespace Ganeti.Core.Opcodes;

/// <summary>One parameter of an opcode: its wire name, property, default and type.</summary>
public sealed class OpParamDescriptor
{
    private readonly Func<OpCode, JsonNode?> _read;
    private readonly Action<OpCode, JsonElement> _write;

    private OpParamDescriptor(
        string wireName, string propertyName, Type clrType, string ganetiType, string? defaultJson,
        Func<OpCode, JsonNode?> read, Action<OpCode, JsonElement> write)
    {
        WireName = wireName;
        PropertyName = propertyName;
        ClrType = clrType;
        Type = OpParamType.Parse(ganetiType);
        Default = defaultJson is null ? null : OpValueJson.Parse(defaultJson);
        _read = read;
        _write = write;
    }

    /// <summary>The name in Ganeti's JSON form, e.g. <c>instance_name</c>.</summary>
    public string WireName { get; }

    /// <summary>The C# property, e.g. <c>InstanceName</c>.</summary>
    public string PropertyName { get; }

    /// <summary>The C# type of the property.</summary>
    public Type ClrType { get; }

    /// <summary>Ganeti's type and the check derived from it.</summary>
    public OpParamType Type { get; }

    /// <summary>Ganeti's default, or null when the parameter is required.</summary>
    public JsonElement? Default { get; }

    /// <summary>True when a caller must supply the parameter.</summary>
    public bool IsRequired => Default is null;

    /// <summary>The property's current value in wire form.</summary>
    public JsonNode? GetValue(OpCode op) => _read(op);

    /// <summary>Sets the property from a wire value that <see cref="Type"/> accepts.</summary>
    public void SetValue(OpCode op, JsonElement value) => _write(op, value);

    public override string ToString() => $"{WireName}: {Type.Description}";

    /// <summary>Describes a property of type <typeparamref name="TValue"/> on <typeparamref name="TOp"/>.</summary>
    /// <param name="defaultJson">Ganeti's default as JSON text, or null for a required parameter.</param>
    public static OpParamDescriptor Create<TOp, TValue>(
        string wireName, string propertyName, string ganetiType, string? defaultJson,
        Func<TOp, TValue> get, Action<TOp, TValue> set)
        where TOp : OpCode =>
        new(wireName, propertyName, typeof(TValue), ganetiType, defaultJson,
            op => OpValueJson.Write(get((TOp)op)),
            (op, value) => set((TOp)op, OpValueJson.Read<TValue>(value)));

    /// <summary>
    /// Like <see cref="Create{TOp, TValue}"/> for a property whose C# type differs from the wire
    /// type it is read through, e.g. <c>bool DryRun</c> read as <c>bool?</c> because the wire allows null.
    /// </summary>
    internal static OpParamDescriptor Create<TOp, TWire>(
        string wireName, string propertyName, Type propertyType, string ganetiType, string? defaultJson,
        Func<TOp, TWire> get, Action<TOp, TWire> set)
        where TOp : OpCode =>
        new(wireName, propertyName, propertyType, ganetiType, defaultJson,
            op => OpValueJson.Write(get((TOp)op)),
            (op, value) => set((TOp)op, OpValueJson.Read<TWire>(value)));
}
