using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;

namespace Ganeti.Core.Opcodes;

/// <summary>
/// Ganeti's JSON form of an opcode: <c>{"OP_ID": "OP_INSTANCE_CREATE", "instance_name": ...}</c>,
/// as RAPI bodies, job files and LUXI carry it.
/// </summary>
public static class OpCodeSerializer
{
    /// <summary>The key that names the opcode.</summary>
    public const string OpIdKey = "OP_ID";

    /// <summary>
    /// Reads an opcode, applying Ganeti's defaults to missing optional parameters. Keys that
    /// start with "__" (such as RAPI's "__version__") are ignored.
    /// </summary>
    /// <exception cref="GanetiException">wrong_input: unknown opcode or parameter, missing or ill-typed value.</exception>
    public static OpCode FromJson(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
            throw GanetiException.WrongInput($"An opcode must be a JSON object, got {Show(json)}");
        if (!json.TryGetProperty(OpIdKey, out var idElement))
            throw GanetiException.WrongInput($"Opcode has no {OpIdKey}");
        if (idElement.ValueKind != JsonValueKind.String)
            throw GanetiException.WrongInput($"{OpIdKey} must be a string, got {Show(idElement)}");

        var descriptor = OpCodeRegistry.Get(idElement.GetString()!);
        var op = descriptor.CreateUnfilled();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name == OpIdKey || property.Name.StartsWith("__", StringComparison.Ordinal))
                continue;
            if (!descriptor.TryGetParameter(property.Name, out var parameter))
                throw GanetiException.WrongInput($"Unknown parameter '{property.Name}' for opcode {descriptor.OpId}");
            if (!seen.Add(property.Name))
                throw GanetiException.WrongInput($"Parameter '{property.Name}' given twice for opcode {descriptor.OpId}");
            CheckValue(descriptor, parameter, property.Value);
            try
            {
                parameter.SetValue(op, property.Value);
            }
            catch (Exception e) when (e is JsonException or OverflowException or InvalidOperationException)
            {
                // The type allows it but the property cannot hold it, e.g. an integer beyond int.
                throw GanetiException.WrongInput(
                    $"Parameter '{parameter.WireName}' of opcode {descriptor.OpId} is out of range: {Show(property.Value)}");
            }
        }
        foreach (var parameter in descriptor.Parameters)
            if (parameter.IsRequired && !seen.Contains(parameter.WireName))
                throw MissingParameter(descriptor, parameter);
        op.Validate();
        return op;
    }

    /// <inheritdoc cref="FromJson(JsonElement)"/>
    public static OpCode FromJson(JsonObject json) => FromJson(JsonSerializer.SerializeToElement(json));

    /// <summary>Reads an opcode from JSON text.</summary>
    /// <inheritdoc cref="FromJson(JsonElement)"/>
    public static OpCode FromJson(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw GanetiException.WrongInput($"Opcode is not valid JSON: {e.Message}");
        }
        using (doc)
            return FromJson(doc.RootElement);
    }

    /// <summary>Reads an opcode of a known class.</summary>
    /// <inheritdoc cref="FromJson(JsonElement)"/>
    public static T FromJson<T>(JsonElement json) where T : OpCode =>
        FromJson(json) as T ??
        throw GanetiException.WrongInput($"Expected opcode {OpCodeRegistry.Get(typeof(T)).OpId}, got {Show(json.GetProperty(OpIdKey))}");

    /// <summary>Writes every parameter, defaults and common ones included, after OP_ID.</summary>
    public static JsonObject ToJson(OpCode op)
    {
        var descriptor = OpCodeRegistry.Get(op.GetType());
        var json = new JsonObject { [OpIdKey] = descriptor.OpId };
        foreach (var parameter in descriptor.Parameters)
            json[parameter.WireName] = parameter.GetValue(op);
        return json;
    }

    internal static void CheckValue(OpCodeDescriptor descriptor, OpParamDescriptor parameter, JsonElement value)
    {
        if (!parameter.Type.Accepts(value))
            throw GanetiException.WrongInput(
                $"Parameter '{parameter.WireName}' of opcode {descriptor.OpId} must be {parameter.Type.Description}, got {Show(value)}");
    }

    internal static GanetiException MissingParameter(OpCodeDescriptor descriptor, OpParamDescriptor parameter) =>
        GanetiException.WrongInput($"Missing required parameter '{parameter.WireName}' for opcode {descriptor.OpId}");

    private static string Show(JsonElement value)
    {
        const int max = 200;
        var text = value.ValueKind == JsonValueKind.Undefined ? "nothing" : value.GetRawText();
        return text.Length <= max ? text : text[..max] + "...";
    }
}
