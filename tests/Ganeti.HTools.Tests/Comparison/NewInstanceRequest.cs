using System.Text.Json.Nodes;

namespace Ganeti.HTools.Tests.Comparison;

/// <summary>A new instance as an IAllocator request describes it (Ganeti's fields, one disk unless diskless).</summary>
public static class NewInstanceRequest
{
    public static JsonObject Of(string name, int mem, int disk, int vcpus, string template)
    {
        bool diskless = template == "diskless";
        return new JsonObject
        {
            ["name"] = name, ["required_nodes"] = template == "drbd" ? 2 : 1,
            ["disk_space_total"] = diskless ? 0 : disk,
            ["disks"] = diskless ? new JsonArray() : new JsonArray(new JsonObject { ["size"] = disk, ["mode"] = "rw" }),
            ["nics"] = new JsonArray(), ["vcpus"] = vcpus, ["memory"] = mem, ["spindle_use"] = 1,
            ["disk_template"] = template, ["os"] = "noop", ["tags"] = new JsonArray(), ["hypervisor"] = "kvm",
        };
    }
}
