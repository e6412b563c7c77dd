using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Json;

namespace Ganeti.NodeHelpers.Rpc;

/// <summary>Reading typed arguments out of a node RPC request, with errors that name the field.</summary>
public static class RpcArgs
{
    public static JsonObject Object(JsonNode? args, string procedure) =>
        args as JsonObject ?? throw GanetiException.Program($"{procedure}: arguments must be a JSON object");

    public static T Get<T>(JsonObject args, string name, string procedure)
    {
        var node = args[name] ?? throw GanetiException.Program($"{procedure}: missing argument '{name}'");
        try
        {
            return node.Deserialize<T>(GanetiJson.Options) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw GanetiException.Program($"{procedure}: argument '{name}' is malformed: {e.Message}");
        }
    }

    public static T? GetOptional<T>(JsonObject args, string name)
    {
        var node = args[name];
        return node is null ? default : node.Deserialize<T>(GanetiJson.Options);
    }

    public static JsonNode? Result<T>(T value) => GanetiJson.ToNode(value);
}
