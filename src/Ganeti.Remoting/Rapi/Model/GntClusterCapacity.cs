using System.Text.Json.Nodes;
using static Ganeti.Remoting.Rapi.JsonFields;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>The cluster's spare capacity (what hspace computes), from <c>GET /2/cluster/capacity</c>.</summary>
public sealed class GntClusterCapacity
{
    public string DiskTemplate { get; init; } = "";
    public int Nodes { get; init; }
    public int Instances { get; init; }
    public long MemoryTotal { get; init; }
    public long MemoryAvailable { get; init; }
    public long DiskTotal { get; init; }
    public long DiskAvailable { get; init; }
    /// <summary>Instances of the standard spec that still fit.</summary>
    public int StandardCount { get; init; }
    /// <summary>Standard spec as disk,memory,cpus,spindles.</summary>
    public string StandardSpec { get; init; } = "";
    /// <summary>Why the next standard instance does not fit (e.g. FAILMEM).</summary>
    public string? StandardFailReason { get; init; }
    /// <summary>Instances that fit when shrinking from the largest spec, tier by tier.</summary>
    public int TieredCount { get; init; }
    public string TieredSpec { get; init; } = "";
    public GntCapacityTier[] Tiers { get; init; } = [];

    private static string Spec(JsonNode? n) => n is JsonObject s
        ? $"{Long(s, "disk_size")},{Long(s, "memory_size")},{Long(s, "cpu_count")},{Long(s, "spindle_use")}" : "";

    public static GntClusterCapacity FromWire(JsonObject o)
    {
        var std = o["standard"] as JsonObject ?? [];
        var tiered = o["tiered"] as JsonObject ?? [];
        return new GntClusterCapacity
        {
            DiskTemplate = Str(o, "disk_template") ?? "",
            Nodes = Int(o, "nodes") ?? 0,
            Instances = Int(o, "instances") ?? 0,
            MemoryTotal = Long(o, "memory_total") ?? 0,
            MemoryAvailable = Long(o, "memory_available") ?? 0,
            DiskTotal = Long(o, "disk_total") ?? 0,
            DiskAvailable = Long(o, "disk_available") ?? 0,
            StandardCount = Int(std, "count") ?? 0,
            StandardSpec = Spec(std["spec"]),
            StandardFailReason = Str(std, "fail_reason"),
            TieredCount = Int(tiered, "count") ?? 0,
            TieredSpec = Spec(tiered["spec"]),
            Tiers = (tiered["tiers"] as JsonArray ?? []).OfType<JsonObject>().Select(t => new GntCapacityTier
            {
                MemorySize = Long(t, "memory_size") ?? 0, DiskSize = Long(t, "disk_size") ?? 0,
                CpuCount = Int(t, "cpu_count") ?? 0, SpindleUse = Int(t, "spindle_use") ?? 0, Count = Int(t, "count") ?? 0,
            }).ToArray(),
        };
    }
}

/// <summary>One tier of a tiered capacity computation: how many instances of this size fit.</summary>
public sealed class GntCapacityTier
{
    public long MemorySize { get; init; }
    public long DiskSize { get; init; }
    public int CpuCount { get; init; }
    /// <summary>Spindles of the tier's disk (they shrink only with exclusive storage).</summary>
    public int SpindleUse { get; init; }
    public int Count { get; init; }
}
