using System.Text.Json.Nodes;
using static Ganeti.Remoting.Rapi.JsonFields;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>One activated disk: the (node, iv_name, path) triple gnt-instance activate-disks reports.</summary>
public sealed class GntInstanceDiskDevice
{
    public required string InstanceName { get; init; }
    public string? Node { get; init; }
    /// <summary>Ganeti's name of the disk in the instance: disk/0, disk/1, ...</summary>
    public string? IvName { get; init; }
    /// <summary>The block device (or file) on the node.</summary>
    public string? Path { get; init; }

    /// <summary>Reads the result of OP_INSTANCE_ACTIVATE_DISKS: <c>[[node, iv_name, path], ...]</c>.</summary>
    public static IReadOnlyList<GntInstanceDiskDevice> FromResult(string instance, JsonNode? result) =>
        result is JsonArray a
            ? a.OfType<JsonArray>().Where(t => t.Count >= 3).Select(t => new GntInstanceDiskDevice
            {
                InstanceName = instance, Node = Str(t[0]), IvName = Str(t[1]), Path = Str(t[2]),
            }).ToList()
            : [];

    public override string ToString() => $"{Node}:{IvName}:{Path}";
}
