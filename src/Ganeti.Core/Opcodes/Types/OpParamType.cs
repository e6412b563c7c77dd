using System.Text.Json;

namespace Ganeti.Core.Opcodes.Types;

/// <summary>
/// A parameter type as Ganeti describes it ("None or EqualOrGreaterThanZero",
/// "List of NonEmptyString", ...), turned into a check on the JSON value. Checking the wire
/// form means a value is judged the same whether it came from a RAPI body, a job file or a
/// typed property.
/// </summary>
public sealed class OpParamType
{
    private readonly Func<JsonElement, bool> _accepts;

    internal OpParamType(string description, Func<JsonElement, bool> accepts)
    {
        Description = description;
        _accepts = accepts;
    }

    /// <summary>Ganeti's own description of the type, used in error messages.</summary>
    public string Description { get; }

    /// <summary>True when the JSON value is of this type.</summary>
    public bool Accepts(JsonElement value) => _accepts(value);

    /// <summary>Builds the check for one of Ganeti's type descriptions.</summary>
    /// <exception cref="FormatException">The description uses a form this parser does not know.</exception>
    public static OpParamType Parse(string description) =>
        new(description, OpParamTypeParser.Parse(description));

    public override string ToString() => Description;
}
