using System.Text.Json;

namespace Ganeti.Core.Config;

/// <summary>A network interface of an instance.</summary>
public sealed class Nic
{
    public string Uuid { get; set; } = "";
    public string? Name { get; set; }
    public string Mac { get; set; } = "";
    public string? Ip { get; set; }
    /// <summary>UUID of the network this NIC is connected to, if any.</summary>
    public string? Network { get; set; }
    /// <summary>mode (bridged, routed, openvswitch), link, vlan.</summary>
    public Dictionary<string, JsonElement> Nicparams { get; set; } = [];
}
