namespace Ganeti.HTools.Model;

/// <summary>Tag conventions htools understands.</summary>
public static class TagPrefixes
{
    public const string Exclusion = "htools:iextags:";
    public const string Standby = "htools:standby:";
    public const string Migration = "htools:migration:";
    public const string AllowMigration = "htools:allowmigration:";
    public const string Location = "htools:nlocation:";
    public const string DesiredLocation = "htools:desiredlocation:";

    /// <summary>Node tags <c>p:...</c> for every cluster tag <c>prefix + p</c>.</summary>
    public static HashSet<string> NodeTagsFor(string prefix, IEnumerable<string> clusterTags, IEnumerable<string> nodeTags)
    {
        var result = new HashSet<string>();
        var nt = nodeTags.ToList();
        foreach (var ct in clusterTags)
        {
            if (!ct.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var p = ct[prefix.Length..] + ":";
            foreach (var t in nt) if (t.StartsWith(p, StringComparison.Ordinal)) result.Add(t);
        }
        return result;
    }

    /// <summary>Migration tags a node accepts, including those allowed by <c>htools:allowmigration:a::b</c>.</summary>
    public static HashSet<string> RecvMigrationTags(IList<string> clusterTags, IEnumerable<string> nodeTags)
    {
        var own = NodeTagsFor(Migration, clusterTags, nodeTags);
        var pairs = new List<(string From, string To)>();
        foreach (var ct in clusterTags)
        {
            if (!ct.StartsWith(AllowMigration, StringComparison.Ordinal)) continue;
            var rest = ct[AllowMigration.Length..];
            int i = rest.IndexOf("::", StringComparison.Ordinal);
            if (i < 0 || rest.IndexOf("::", i + 2, StringComparison.Ordinal) >= 0) continue;
            pairs.Add((rest[..i], rest[(i + 2)..]));
        }
        var result = new HashSet<string>();
        foreach (var t in own)
        {
            result.Add(t);
            foreach (var (from, to) in pairs) if (to == t) result.Add(from);
        }
        return result;
    }
}
