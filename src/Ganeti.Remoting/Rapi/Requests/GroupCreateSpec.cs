using System.Text.Json.Nodes;

namespace Ganeti.Remoting.Rapi.Requests;

/// <summary>
/// What gnt-group add takes (OP_GROUP_ADD's parameters, the body of <c>POST /2/groups</c>).
/// Null members are left out, so the master applies the cluster's values.
/// </summary>
public sealed record GroupCreateSpec
{
    public required string Name { get; init; }
    /// <summary>preferred (the master's default), last_resort or unallocable.</summary>
    public string? AllocPolicy { get; init; }
    /// <summary>Node parameter overrides for the group's nodes (oob_program, spindle_count, exclusive_storage, ...).</summary>
    public JsonObject? NdParams { get; init; }
    /// <summary>Disk parameter overrides per disk template: {"drbd": {"resync-rate": 2048}}.</summary>
    public JsonObject? DiskParams { get; init; }
    /// <summary>Instance policy overrides (minmax, disk-templates, vcpu-ratio, spindle-ratio).</summary>
    public JsonObject? IPolicy { get; init; }

    /// <summary>Ganeti's RAPI names the group "name" in this body and renames it to the opcode's group_name.</summary>
    internal JsonObject ToBody()
    {
        var body = new JsonObject { ["name"] = Name };
        if (AllocPolicy is not null) body["alloc_policy"] = AllocPolicy;
        if (NdParams is not null) body["ndparams"] = NdParams.DeepClone();
        if (DiskParams is not null) body["diskparams"] = DiskParams.DeepClone();
        if (IPolicy is not null) body["ipolicy"] = IPolicy.DeepClone();
        return body;
    }
}
