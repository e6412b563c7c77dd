using System.Collections;
using System.Text.Json.Nodes;
using Ganeti.Remoting.Rapi.Requests;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Turns the group cmdlets' hashtables into OP_GROUP_ADD / OP_GROUP_SET_PARAMS parameters:
/// node parameters and the instance policy as flat dictionaries, disk parameters per disk
/// template, names lower-cased as Ganeti spells them. The master checks the values.
/// </summary>
public static class GroupParameterBuilder
{
    /// <summary>Ganeti's allocation policies, as the cmdlets accept and GntGroup shows them.</summary>
    public static readonly string[] AllocPolicies = ["preferred", "last_resort", "unallocable"];

    public static GroupCreateSpec Create(string name, string? allocPolicy, IDictionary? nodeParameter, IDictionary? diskParameter,
        IDictionary? instancePolicy) => new()
    {
        Name = name,
        AllocPolicy = Policy(allocPolicy),
        NdParams = nodeParameter is null ? null : ClusterModifyBuilder.Params(nodeParameter, "NodeParameter"),
        DiskParams = diskParameter is null ? null : DiskParams(diskParameter),
        IPolicy = instancePolicy is null ? null : ClusterModifyBuilder.Params(instancePolicy, "InstancePolicy"),
    };

    public static GroupModifyOptions Modify(string? allocPolicy, IDictionary? nodeParameter, IDictionary? diskParameter,
        IDictionary? instancePolicy) => new()
    {
        AllocPolicy = Policy(allocPolicy),
        NdParams = nodeParameter is null ? null : ClusterModifyBuilder.Params(nodeParameter, "NodeParameter"),
        DiskParams = diskParameter is null ? null : DiskParams(diskParameter),
        IPolicy = instancePolicy is null ? null : ClusterModifyBuilder.Params(instancePolicy, "InstancePolicy"),
    };

    private static JsonObject DiskParams(IDictionary d) =>
        ClusterModifyBuilder.PerName(d, "DiskParameter", "disk template", ClusterModifyBuilder.Params);

    private static string? Policy(string? p)
    {
        if (p is null) return null;
        var wire = p.Trim().ToLowerInvariant().Replace('-', '_');
        return AllocPolicies.Contains(wire)
            ? wire
            : throw new ArgumentException($"-AllocPolicy: '{p}' is not an allocation policy; use {string.Join(", ", AllocPolicies)}.");
    }
}
