using System.Text.Json;

namespace Ganeti.Core.Config;

/// <summary>A physical host of the cluster.</summary>
public sealed class Node : NamedConfigObject
{
    public string PrimaryIp { get; set; } = "";
    public string SecondaryIp { get; set; } = "";
    public bool MasterCandidate { get; set; }
    public bool Offline { get; set; }
    public bool Drained { get; set; }
    /// <summary>UUID of the node group.</summary>
    public string Group { get; set; } = "";
    public bool MasterCapable { get; set; } = true;
    public bool VmCapable { get; set; } = true;
    public bool Powered { get; set; } = true;
    public Dictionary<string, JsonElement> Ndparams { get; set; } = [];
    /// <summary>The root directory of this node's state tree (all paths hang off it).</summary>
    public string RootDir { get; set; } = "/";

    /// <summary>Ganeti's one-letter role: M(aster), C(andidate), D(rained), O(ffline), R(egular).</summary>
    public string Role(string masterUuid) =>
        Uuid == masterUuid ? "M" : MasterCandidate ? "C" : Drained ? "D" : Offline ? "O" : "R";
}
