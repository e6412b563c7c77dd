using System.Text.Json;
using Ganeti.Core.Errors;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Storage;

/// <summary>Reading a disk's logical_id, whose shape depends on its template.</summary>
public static class LogicalId
{
    public static string String(IReadOnlyList<JsonElement> id, int index, string template)
    {
        if (index >= id.Count || id[index].ValueKind != JsonValueKind.String || string.IsNullOrEmpty(id[index].GetString()))
            throw GanetiException.Program(
                $"Invalid logical_id for a {template} disk: element {index} must be a non-empty string, got [{Describe(id)}]");
        return id[index].GetString()!;
    }

    public static long Int(IReadOnlyList<JsonElement> id, int index, string template)
    {
        if (index >= id.Count || !id[index].TryGetInt64(out var v))
            throw GanetiException.Program(
                $"Invalid logical_id for a {template} disk: element {index} must be an integer, got [{Describe(id)}]");
        return v;
    }

    public static void RequireCount(IReadOnlyList<JsonElement> id, int count, string template)
    {
        if (id.Count != count)
            throw GanetiException.Program(
                $"Invalid logical_id for a {template} disk: expected {count} elements, got [{Describe(id)}]");
    }

    public static IReadOnlyList<JsonElement> Of(params object[] parts) =>
        [.. parts.Select(p => JsonSerializer.SerializeToElement(p))];

    public static string? Param(DiskSpec disk, string name) =>
        disk.Params.TryGetValue(name, out var v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.ValueKind is JsonValueKind.Null ? null : v.GetRawText()
            : null;

    public static string Describe(IReadOnlyList<JsonElement> id) => string.Join(", ", id.Select(e => e.GetRawText()));
}
