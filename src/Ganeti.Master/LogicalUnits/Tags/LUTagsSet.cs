using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Locking;

namespace Ganeti.Master.LogicalUnits.Tags;

/// <summary>gnt-* add-tags: adds tags to one object.</summary>
public sealed class LUTagsSet : LogicalUnit<OpTagsSet>
{
    public override void CheckArguments()
    {
        foreach (var t in Op.Tags) TagTarget.CheckTag(t);
    }

    public override LockRequest? LocksAt(LockLevel level) => TagTarget.Lock(Cfg, Op.Kind, Op.Name, level, shared: false);

    public override Task CheckPrereqAsync(CancellationToken ct)
    {
        var existing = TagTarget.TagsOf(Cfg, Op.Kind, Op.Name);
        if (existing.Union(Op.Tags).Count() > TagTarget.MaxTagsPerObject)
            throw GanetiException.WrongInput($"Too many tags (more than {TagTarget.MaxTagsPerObject})");
        return Task.CompletedTask;
    }

    public override async Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        await Master.Config.UpdateAsync(c =>
        {
            var tags = TagTarget.TagsOf(c, Op.Kind, Op.Name);
            foreach (var t in Op.Tags.Where(t => !tags.Contains(t)))
                tags.Add(t);
        }, ct).ConfigureAwait(false);
        Log($"Added tag(s) {string.Join(", ", Op.Tags)}");
        return null;
    }
}
