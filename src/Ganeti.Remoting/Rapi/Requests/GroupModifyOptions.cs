using System.Text.Json.Nodes;

namespace Ganeti.Remoting.Rapi.Requests;

/// <summary>
/// What gnt-group modify takes (OP_GROUP_SET_PARAMS's parameters, the body of
/// <c>PUT /2/groups/G/modify</c>). Parameter dictionaries are merged into the group's
/// overrides; a value of "default" removes an override so the cluster's applies again.
/// </summary>
public sealed record GroupModifyOptions
{
    public string? AllocPolicy { get; init; }
    public JsonObject? NdParams { get; init; }
    public JsonObject? DiskParams { get; init; }
    public JsonObject? IPolicy { get; init; }

    public bool IsEmpty => AllocPolicy is null && NdParams is null && DiskParams is null && IPolicy is null;

    internal JsonObject ToBody()
    {
        var body = new JsonObject();
        if (AllocPolicy is not null) body["alloc_policy"] = AllocPolicy;
        if (NdParams is not null) body["ndparams"] = NdParams.DeepClone();
        if (DiskParams is not null) body["diskparams"] = DiskParams.DeepClone();
        if (IPolicy is not null) body["ipolicy"] = IPolicy.DeepClone();
        return body;
    }
}
