namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// Names for tab completion, per connection and kind (instance, node, os, job), kept for a
/// short time. Get-* cmdlets refresh it as a side effect; a completer asks the master only
/// when the entry is missing or stale, with a short time limit, and falls back to what it has.
/// </summary>
public sealed class CompletionCache
{
    private readonly Dictionary<string, (DateTime At, IReadOnlyList<string> Names)> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _lock = new();
    private readonly Func<DateTime> _clock;

    public CompletionCache(TimeSpan lifetime, Func<DateTime>? clock = null)
    {
        Lifetime = lifetime;
        _clock = clock ?? (() => DateTime.UtcNow);
    }

    public TimeSpan Lifetime { get; }

    public void Put(string kind, IEnumerable<string> names)
    {
        lock (_lock) _entries[kind] = (_clock(), names.Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList());
    }

    public IReadOnlyList<string>? TryGetFresh(string kind)
    {
        lock (_lock)
            return _entries.TryGetValue(kind, out var e) && _clock() - e.At < Lifetime ? e.Names : null;
    }

    public IReadOnlyList<string> GetOrFetch(string kind, Func<CancellationToken, Task<IEnumerable<string>>> fetch, TimeSpan timeLimit)
    {
        if (TryGetFresh(kind) is { } fresh)
            return fresh;
        try
        {
            using var cts = new CancellationTokenSource(timeLimit);
            var names = Task.Run(() => fetch(cts.Token), cts.Token).GetAwaiter().GetResult();
            Put(kind, names);
        }
        catch (Exception)
        {
            // Completion must never fail loudly: an unreachable master just completes nothing new.
        }
        lock (_lock)
            return _entries.TryGetValue(kind, out var e) ? e.Names : [];
    }

    /// <summary>Names starting with what was typed (or matching it, when it has wildcards).</summary>
    public static IEnumerable<string> Filter(IEnumerable<string> names, string wordToComplete)
    {
        var word = wordToComplete.Trim('\'', '"');
        if (WildcardMatcher.ContainsWildcard(word))
        {
            var m = new WildcardMatcher(word);
            return names.Where(m.IsMatch);
        }
        return names.Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase));
    }
}
