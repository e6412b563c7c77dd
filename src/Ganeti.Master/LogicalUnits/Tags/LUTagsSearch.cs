using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ganeti.Core.Errors;
using Ganeti.Core.Opcodes;

namespace Ganeti.Master.LogicalUnits.Tags;

/// <summary>gnt-cluster search-tags: (path, tag) pairs for every tag matching a regular expression.</summary>
public sealed class LUTagsSearch : LogicalUnit<OpTagsSearch>
{
    private Regex regex = null!;

    public override void CheckArguments()
    {
        try
        {
            regex = new Regex(Op.Pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw GanetiException.WrongInput($"Invalid search pattern '{Op.Pattern}': {e.Message}");
        }
    }

    public override Task<JsonNode?> ExecAsync(CancellationToken ct)
    {
        var result = new JsonArray();
        void Add(string path, IEnumerable<string> tags)
        {
            foreach (var t in tags.Where(t => regex.IsMatch(t)).Order(StringComparer.Ordinal))
                result.Add(new JsonArray((JsonNode?)path, (JsonNode?)t));
        }
        Add("/cluster", Cfg.Cluster.Tags);
        foreach (var i in Cfg.Instances.Values.OrderBy(i => i.Name, StringComparer.Ordinal)) Add($"/instances/{i.Name}", i.Tags);
        foreach (var n in Cfg.Nodes.Values.OrderBy(n => n.Name, StringComparer.Ordinal)) Add($"/nodes/{n.Name}", n.Tags);
        foreach (var g in Cfg.Nodegroups.Values.OrderBy(g => g.Name, StringComparer.Ordinal)) Add($"/nodegroup/{g.Name}", g.Tags);
        foreach (var n in Cfg.Networks.Values.OrderBy(n => n.Name, StringComparer.Ordinal)) Add($"/networks/{n.Name}", n.Tags);
        return Task.FromResult<JsonNode?>(result);
    }
}
