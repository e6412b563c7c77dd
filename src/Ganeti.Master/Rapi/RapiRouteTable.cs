namespace Ganeti.Master.Rapi;

/// <summary>The result of matching a path: the resource and the decoded values of its placeholders.</summary>
public sealed record RapiRouteMatch(RapiResource Resource, IReadOnlyList<string> Items);

/// <summary>
/// Maps request paths to resources. Templates have literal segments and placeholders
/// (<c>{instance}</c>, <c>{node}</c>, <c>{group}</c>, <c>{network}</c>, <c>{job}</c>, <c>{disk}</c>,
/// <c>{filter}</c>, <c>{resource}</c>). A placeholder matches any one segment; its value is then
/// checked by <see cref="RapiNames"/>, so that a bad name is answered with 400 naming the
/// problem instead of a vague 404, and never reaches the master.
/// </summary>
public sealed class RapiRouteTable
{
    private readonly List<RapiResource> _resources = [];

    public IReadOnlyList<RapiResource> Resources => _resources;

    public RapiResource Add(string template, string name)
    {
        var r = new RapiResource(template, name);
        _resources.Add(r);
        return r;
    }

    /// <summary>Finds the resource for a raw (still percent-encoded) path, or null.</summary>
    public RapiRouteMatch? Match(string rawPath)
    {
        if (!rawPath.StartsWith('/')) return null;
        var rawSegments = rawPath == "/" ? [] : rawPath[1..].Split('/');
        var segments = new string[rawSegments.Length];
        for (var i = 0; i < rawSegments.Length; i++)
        {
            try
            {
                segments[i] = Uri.UnescapeDataString(rawSegments[i]);
            }
            catch (UriFormatException)
            {
                throw RapiException.BadRequest($"Malformed URL path segment '{rawSegments[i]}'");
            }
        }

        RapiResource? found = null;
        foreach (var r in _resources)
        {
            if (r.Segments.Count != segments.Length) continue;
            var ok = true;
            for (var i = 0; i < segments.Length && ok; i++)
            {
                var t = r.Segments[i];
                ok = IsPlaceholder(t) ? segments[i].Length > 0 : string.Equals(t, segments[i], StringComparison.Ordinal);
            }
            if (!ok) continue;
            // A literal match beats a placeholder match (e.g. /2/query/x/fields has no rival,
            // but keep the rule explicit for any future overlap).
            if (found is null || LiteralCount(r) > LiteralCount(found)) found = r;
        }
        if (found is null) return null;

        var items = new List<string>();
        for (var i = 0; i < segments.Length; i++)
        {
            var t = found.Segments[i];
            if (!IsPlaceholder(t)) continue;
            RapiNames.Check(t[1..^1], segments[i]);
            items.Add(segments[i]);
        }
        return new RapiRouteMatch(found, items);
    }

    private static bool IsPlaceholder(string segment) => segment.StartsWith('{') && segment.EndsWith('}');

    private static int LiteralCount(RapiResource r) => r.Segments.Count(s => !IsPlaceholder(s));
}
