namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Filters a listing by -Name patterns the way Get-* cmdlets do: wildcards select any number of
/// objects, an exact name that matches nothing is reported as missing (a non-terminating
/// ObjectNotFound error), and each object is returned once, in listing order.
/// </summary>
public static class NameSelection
{
    public sealed record Result<T>(IReadOnlyList<T> Matched, IReadOnlyList<string> MissingNames);

    public static Result<T> Select<T>(IEnumerable<T> items, Func<T, string> nameOf, IReadOnlyCollection<string>? patterns)
    {
        var list = items.ToList();
        if (patterns is null || patterns.Count == 0)
            return new Result<T>(list, []);
        var matchers = patterns.Select(p => new WildcardMatcher(p)).ToList();
        var matched = list.Where(i => matchers.Any(m => m.IsMatch(nameOf(i)))).ToList();
        var missing = patterns
            .Where(p => !WildcardMatcher.ContainsWildcard(p))
            .Select(WildcardMatcher.Unescape)
            .Where(n => !list.Any(i => string.Equals(nameOf(i), n, StringComparison.OrdinalIgnoreCase)))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new Result<T>(matched, missing);
    }

    /// <summary>Whether any pattern needs a listing to resolve (has a wildcard).</summary>
    public static bool NeedsListing(IEnumerable<string>? patterns) => patterns?.Any(WildcardMatcher.ContainsWildcard) == true;
}
