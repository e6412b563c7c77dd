using System.Text.Json.Nodes;

namespace Ganeti.Master.Rapi;

/// <summary>Builds opcodes in Ganeti's JSON form from request bodies, as baserlib.FillOpcode does.</summary>
public static class RapiOpcodes
{
    /// <summary>
    /// {"OP_ID": opId} plus the body's parameters (renamed old→new; giving both names is an
    /// error) plus the static parameters, which the body must not contain.
    /// </summary>
    public static JsonObject Fill(string opId, JsonNode? body, JsonObject staticParams,
        IReadOnlyDictionary<string, string>? rename = null)
    {
        var op = new JsonObject { ["OP_ID"] = opId };
        var parameters = new List<KeyValuePair<string, JsonNode?>>();
        if (body is not null)
        {
            if (body is not JsonObject bodyObject)
                throw RapiException.BadRequest($"Body contents: Type is '{RapiJson.PythonType(body)}', but 'dict' is expected");
            foreach (var (k, v) in bodyObject)
                parameters.Add(new(k, v?.DeepClone()));
        }

        if (rename is not null)
        {
            foreach (var (oldName, newName) in rename)
            {
                var hasOld = parameters.Any(p => p.Key == oldName);
                var hasNew = parameters.Any(p => p.Key == newName);
                if (hasOld && hasNew)
                    throw RapiException.BadRequest($"Parameter '{oldName}' was renamed to '{newName}', but both are specified");
                if (hasOld)
                {
                    var i = parameters.FindIndex(p => p.Key == oldName);
                    parameters[i] = new(newName, parameters[i].Value);
                }
            }
        }

        var overwritten = parameters.Select(p => p.Key).Where(staticParams.ContainsKey).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (overwritten.Count > 0)
            throw RapiException.BadRequest($"Can't overwrite static parameters: {string.Join(", ", overwritten)}");

        foreach (var (k, v) in parameters)
        {
            if (k == "OP_ID")
                throw RapiException.BadRequest("Invalid body parameters: 'OP_ID' cannot be given");
            op[k] = v;
        }
        foreach (var (k, v) in staticParams)
            op[k] = v?.DeepClone();
        return op;
    }

    /// <summary>Ganeti accepts spaces as well as commas between USB devices in hvparams; the opcode wants commas.</summary>
    public static void ConvertUsbDevices(JsonObject data)
    {
        if (data["hvparams"] is JsonObject hv && hv["usb_devices"] is JsonValue v && v.TryGetValue<string>(out var s))
            hv["usb_devices"] = s.Replace(' ', ',');
    }
}
