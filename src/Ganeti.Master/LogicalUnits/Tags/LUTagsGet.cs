using System.Text.Json.Nodes;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;

namespace Ganeti.Master.LogicalUnits.Tags;

/// <summary>gnt-* list-tags: the tags of one object.</summary>
public sealed class LUTagsGet : LogicalUnit<OpTagsGet>
{
    public override LockRequest? LocksAt(LockLevel level) =>
        Op.UseLocking ? TagTarget.Lock(Cfg, Op.Kind, Op.Name, level, shared: true) : null;

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        TagTarget.TagsOf(Cfg, Op.Kind, Op.Name);
        return Task.CompletedTask;
    }

    public override Task<JsonNode?> ExecAsync(CancellationToken ct) =>
        Task.FromResult<JsonNode?>(new JsonArray(TagTarget.TagsOf(Cfg, Op.Kind, Op.Name).Order(StringComparer.Ordinal)
            .Select(t => (JsonNode?)t).ToArray()));
}
