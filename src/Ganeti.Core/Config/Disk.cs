using System.Text.Json;

namespace Ganeti.Core.Config;

/// <summary>
/// A disk of an instance. dev_type is the disk template for top-level disks (file, plain,
/// drbd, ...); logical_id is template-specific (for file: [driver, path]).
/// </summary>
public sealed class Disk : ConfigObject
{
    public string? Name { get; set; }
    public string DevType { get; set; } = "";
    public List<JsonElement> LogicalId { get; set; } = [];
    public List<Disk> Children { get; set; } = [];
    /// <summary>UUIDs of the nodes holding this disk.</summary>
    public List<string> Nodes { get; set; } = [];
    public string IvName { get; set; } = "";
    /// <summary>Size in MiB.</summary>
    public long Size { get; set; }
    public string Mode { get; set; } = "rw";
    public Dictionary<string, JsonElement> Params { get; set; } = [];
    public int? Spindles { get; set; }
}
