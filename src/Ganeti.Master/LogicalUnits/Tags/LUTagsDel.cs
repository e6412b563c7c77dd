using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;

namespace Ganeti.Master.LogicalUnits.Tags;

/// <summary>gnt-* remove-tags: removes tags from one object; every tag must be present.</summary>
public sealed class LUTagsDel : LogicalUnit<OpTagsDel>
{
    public override void CheckArguments()
    {
        foreach (var t in Op.Tags) TagTarget.CheckTag(t);
    }

    public override LockRequest? LocksAt(LockLevel level) => TagTarget.Lock(Cfg, Op.Kind, Op.Name, level, shared: false);

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        var existing = TagTarget.TagsOf(Cfg, Op.Kind, Op.Name);
        var missing = Op.Tags.Where(t => !existing.Contains(t)).ToList();
        if (missing.Count > 0)
            throw GanetiException.Prereq($"Tag(s) {string.Join(", ", missing.Select(t => $"'{t}'"))} not found", ErrorCodes.UnknownEntity);
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        await Master.Config.UpdateAsync(c => TagTarget.TagsOf(c, Op.Kind, Op.Name).RemoveAll(Op.Tags.Contains), ct)
            .ConfigureAwait(false);
        Log($"Removed tag(s) {string.Join(", ", Op.Tags)}");
        return null;
    }
}
