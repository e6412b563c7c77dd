namespace Ganeti.Core.Opcodes;

public abstract partial class OpCode
{
    /// <summary>
    /// Checks every parameter against Ganeti's type, as <see cref="OpCodeSerializer.FromJson(System.Text.Json.JsonElement)"/>
    /// does, so an opcode built in C# fails the same way a bad RAPI body does.
    /// </summary>
    /// <exception cref="Errors.GanetiException">wrong_input naming the first bad parameter.</exception>
    public void Validate()
    {
        var descriptor = OpCodeRegistry.Get(GetType());
        foreach (var parameter in descriptor.Parameters)
        {
            var value = parameter.GetValue(this);
            if (value is null && parameter.IsRequired)
                throw OpCodeSerializer.MissingParameter(descriptor, parameter);
            OpCodeSerializer.CheckValue(descriptor, parameter, OpValueJson.ToElement(value));
        }
    }
}
