using System.Text.Json.Nodes;
using Ganeti.Core.Errors;

namespace Ganeti.Master.LogicalUnits.Evacuation;

/// <summary>
/// Reads an instance allocator's node-evacuate or change-group answer ({moved, failed, jobs})
/// into follow-up jobs, as Ganeti's node evacuation and group change do: any instance the
/// allocator could not place fails the whole operation, and early release is applied to the
/// disk replacements.
/// </summary>
public static class EvacuationJobs
{
    public static List<IReadOnlyList<JsonObject>> FromAllocatorResult(JsonNode? result, bool earlyRelease, Action<string> log)
    {
        JsonNode? moved, failed, jobs;
        switch (result)
        {
            case JsonArray { Count: 3 } a:
                (moved, failed, jobs) = (a[0], a[1], a[2]);
                break;
            case JsonObject o:
                (moved, failed, jobs) = (o["moved"], o["failed"], o["jobs"]);
                break;
            default:
                throw GanetiException.Exec("The instance allocator's evacuation answer is not [moved, failed, jobs]");
        }
        if (failed is JsonArray { Count: > 0 } f)
        {
            var reasons = f.OfType<JsonArray>().Select(x => $"{x[0]} ({x[1]})");
            throw GanetiException.Prereq($"Unable to evacuate instances {string.Join(", ", reasons)}", ErrorCodes.InsufficientResources);
        }
        if (moved is JsonArray { Count: > 0 } m)
            log("Instances to be moved: " + string.Join(", ", m.OfType<JsonArray>().Select(x =>
                $"{x[0]} (to {string.Join(", ", (x[2] as JsonArray ?? []).Select(n => n?.ToString()))})")));
        var list = new List<IReadOnlyList<JsonObject>>();
        foreach (var job in jobs as JsonArray ?? [])
        {
            var ops = new List<JsonObject>();
            foreach (var op in job as JsonArray ?? throw GanetiException.Exec("An evacuation job is not a list of opcodes"))
            {
                var copy = (JsonObject)(op as JsonObject ?? throw GanetiException.Exec("An evacuation opcode is not an object")).DeepClone();
                if ((string?)copy["OP_ID"] == "OP_INSTANCE_REPLACE_DISKS")
                    copy["early_release"] = earlyRelease;
                ops.Add(copy);
            }
            list.Add(ops);
        }
        return list;
    }
}
