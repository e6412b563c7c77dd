using System.Text.Json;

namespace Ganeti.Core.Config;

/// <summary>A set of nodes with common parameters and allocation policy.</summary>
public sealed class NodeGroup : NamedConfigObject
{
    public string AllocPolicy { get; set; } = "preferred";
    public Dictionary<string, JsonElement> Ndparams { get; set; } = [];
    public Dictionary<string, Dictionary<string, JsonElement>> Diskparams { get; set; } = [];
    public Dictionary<string, JsonElement> Ipolicy { get; set; } = [];
    /// <summary>Network UUID → connection parameters (mode, link, vlan).</summary>
    public Dictionary<string, Dictionary<string, JsonElement>> Networks { get; set; } = [];
}
