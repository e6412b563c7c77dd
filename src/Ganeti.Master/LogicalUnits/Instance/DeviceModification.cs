using System.Text.Json;
using Ganeti.Core.Errors;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// One NIC or disk change of gnt-instance modify: add, modify or remove, the device it concerns
/// (an index, negative counting from the end, or a name or uuid) and its parameters.
/// </summary>
public sealed record DeviceModification(string Action, JsonElement Identifier, Dictionary<string, JsonElement> Params)
{
    public const string Add = "add";
    public const string Modify = "modify";
    public const string Remove = "remove";

    /// <summary>
    /// Reads both list forms Ganeti accepts: [action, identifier, params] and the older
    /// [action-or-index, params], where the old form allows only one add or remove.
    /// </summary>
    public static List<DeviceModification> Parse(string kind, IReadOnlyList<JsonElement> items)
    {
        var result = new List<DeviceModification>();
        var legacyAddRemove = 0;
        foreach (var (item, n) in items.Select((x, n) => (x, n)))
        {
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() is not (2 or 3))
                throw GanetiException.WrongInput($"{kind} modification #{n} must be [action, index, parameters] or [action, parameters], got {item}");
            var parts = item.EnumerateArray().ToList();
            var parameters = parts[^1];
            if (parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                throw GanetiException.WrongInput($"The parameters of {kind} modification #{n} must be a dictionary, got {parameters}");
            var p = parameters.ValueKind == JsonValueKind.Object
                ? parameters.EnumerateObject().ToDictionary(x => x.Name, x => x.Value.Clone(), StringComparer.Ordinal)
                : new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            string action;
            JsonElement identifier;
            if (parts.Count == 3)
            {
                action = parts[0].ValueKind == JsonValueKind.String ? parts[0].GetString()! : "";
                identifier = parts[1];
                if (identifier.ValueKind is not (JsonValueKind.Number or JsonValueKind.String))
                    throw GanetiException.WrongInput($"The device of {kind} modification #{n} must be an index, a name or a uuid, got {identifier}");
            }
            else if (parts[0].ValueKind == JsonValueKind.Number && parts[0].TryGetInt32(out var index))
            {
                if (index < 0)
                    throw GanetiException.WrongInput($"{kind} modification #{n}: the index in the old form must not be negative, got {index}");
                action = Modify;
                identifier = parts[0];
            }
            else
            {
                action = parts[0].ValueKind == JsonValueKind.String ? parts[0].GetString()! : "";
                identifier = JsonSerializer.SerializeToElement(-1);
                if (action is Add or Remove && ++legacyAddRemove > 1)
                    throw GanetiException.WrongInput($"Only one {kind} add or remove operation is supported at a time in the [action, parameters] form");
            }
            if (action is "attach" or "detach")
                throw GanetiException.WrongInput($"{kind} {action} is not supported; use add or remove");
            if (action is not (Add or Modify or Remove))
                throw GanetiException.WrongInput($"Invalid {kind} modification action '{parts[0]}' (use add, modify or remove)");
            if (action == Remove && p.Count > 0)
                throw GanetiException.WrongInput($"No parameters are allowed when removing a {kind}, got {string.Join(", ", p.Keys)}");
            result.Add(new DeviceModification(action, identifier, p));
        }
        return result;
    }

    /// <summary>
    /// The position this change refers to in a list of <paramref name="count"/> devices: for add,
    /// where the new device goes (-1 appends); otherwise the existing device, by index or by name/uuid.
    /// </summary>
    public int Resolve(string kind, int count, Func<int, (string? Name, string Uuid)> device)
    {
        if (Identifier.ValueKind == JsonValueKind.Number || (Identifier.ValueKind == JsonValueKind.String && int.TryParse(Identifier.GetString(), out _)))
        {
            var index = Identifier.ValueKind == JsonValueKind.Number ? Identifier.GetInt32() : int.Parse(Identifier.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            if (Action == Add)
            {
                if (index == -1) return count;
                if (index < 0 || index > count)
                    throw GanetiException.WrongInput($"Cannot add {kind} at index {index}: the instance has {count} (use 0 to {count}, or -1 to append)");
                return index;
            }
            var resolved = index < 0 ? count + index : index;
            if (resolved < 0 || resolved >= count)
                throw GanetiException.WrongInput($"The instance has no {kind} with index {index} (it has {count})");
            return resolved;
        }
        var key = Identifier.GetString()!;
        if (Action == Add)
            throw GanetiException.WrongInput($"A new {kind} goes at an index (or -1 to append), not at '{key}'");
        for (var i = 0; i < count; i++)
        {
            var (name, uuid) = device(i);
            if (name == key || uuid == key) return i;
        }
        throw GanetiException.WrongInput($"The instance has no {kind} named or with uuid '{key}'");
    }
}
