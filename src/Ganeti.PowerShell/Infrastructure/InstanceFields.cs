namespace Ganeti.PowerShell.Infrastructure;

/// <summary>Field lists for instance queries with -Property.</summary>
public static class InstanceFields
{
    /// <summary>The query fields to request: name always, the node fields when filtering by node, then the asked ones.</summary>
    public static IReadOnlyList<string> ForQuery(IEnumerable<string> properties, bool filterByNode)
    {
        var fields = new List<string> { "name" };
        if (filterByNode) fields.AddRange(["pnode", "snodes"]);
        foreach (var p in properties.SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            if (!fields.Contains(p, StringComparer.OrdinalIgnoreCase))
                fields.Add(p);
        return fields;
    }
}
