namespace Ganeti.Master.Locking;

/// <summary>
/// Shared/exclusive locks at Ganeti's levels. A job acquires its locks level by level in
/// <see cref="LockLevel"/> order, and all the locks of one level at once, so two jobs can never
/// wait for each other in a cycle. Each level also has a set-lock: taking "all" at a level holds
/// it in the requested mode; taking single names holds it shared, so "all" excludes them.
/// </summary>
public sealed class LockManager
{
    private sealed class LockState
    {
        public int SharedCount;
        public object? ExclusiveOwner;
        public readonly HashSet<object> SharedOwners = [];
    }

    private readonly object sync = new();
    private readonly Dictionary<(LockLevel, string), LockState> locks = [];
    private readonly Dictionary<object, List<(LockLevel Level, string Name, bool Shared)>> held = [];
    private TaskCompletionSource released = NewSignal();

    private const string SetLock = "[lockset]";

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Acquires all locks of one level for <paramref name="owner"/>, waiting as long as needed.
    /// Throws when the owner already holds locks at this or a later level (level order).
    /// </summary>
    public async Task AcquireAsync(object owner, LockRequest request, CancellationToken cancellationToken)
    {
        var wanted = Expand(request);
        while (true)
        {
            Task wait;
            lock (sync)
            {
                if (held.TryGetValue(owner, out var mine) && mine.Any(h => h.Level >= request.Level))
                    throw new InvalidOperationException(
                        $"Lock order violation: already holding locks at level {mine.Max(h => h.Level).Name()}, asked for {request.Level.Name()}");
                if (wanted.All(w => Grantable(owner, w.Name, request.Level, w.Shared)))
                {
                    foreach (var w in wanted)
                        Grant(owner, request.Level, w.Name, w.Shared);
                    return;
                }
                wait = released.Task;
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Non-blocking variant: returns false without waiting when any lock is taken.</summary>
    public bool TryAcquire(object owner, LockRequest request)
    {
        var wanted = Expand(request);
        lock (sync)
        {
            if (!wanted.All(w => Grantable(owner, w.Name, request.Level, w.Shared)))
                return false;
            foreach (var w in wanted)
                Grant(owner, request.Level, w.Name, w.Shared);
            return true;
        }
    }

    private static List<(string Name, bool Shared)> Expand(LockRequest request)
    {
        var list = new List<(string, bool)>();
        if (request.All)
            list.Add((SetLock, request.Shared));
        else
        {
            list.Add((SetLock, true));
            foreach (var n in request.Names!)
                list.Add((n, request.Shared));
        }
        return list;
    }

    private bool Grantable(object owner, string name, LockLevel level, bool shared)
    {
        if (!locks.TryGetValue((level, name), out var s)) return true;
        if (s.ExclusiveOwner is not null) return ReferenceEquals(s.ExclusiveOwner, owner);
        if (shared) return true;
        return s.SharedCount == 0 || (s.SharedCount == 1 && s.SharedOwners.Contains(owner));
    }

    private void Grant(object owner, LockLevel level, string name, bool shared)
    {
        if (!locks.TryGetValue((level, name), out var s))
            locks[(level, name)] = s = new LockState();
        if (shared)
        {
            if (s.SharedOwners.Add(owner)) s.SharedCount++;
            else return;
        }
        else
        {
            if (ReferenceEquals(s.ExclusiveOwner, owner)) return;
            if (s.SharedOwners.Remove(owner)) s.SharedCount--;
            s.ExclusiveOwner = owner;
        }
        if (!held.TryGetValue(owner, out var mine))
            held[owner] = mine = [];
        mine.Add((level, name, shared));
    }

    /// <summary>Releases every lock the owner holds at the given level (or all levels).</summary>
    public void Release(object owner, LockLevel? level = null)
    {
        TaskCompletionSource signal;
        lock (sync)
        {
            if (!held.TryGetValue(owner, out var mine)) return;
            foreach (var h in mine.Where(h => level is null || h.Level == level).ToList())
            {
                var key = (h.Level, h.Name);
                if (locks.TryGetValue(key, out var s))
                {
                    if (ReferenceEquals(s.ExclusiveOwner, owner)) s.ExclusiveOwner = null;
                    if (s.SharedOwners.Remove(owner)) s.SharedCount--;
                    if (s.ExclusiveOwner is null && s.SharedCount == 0) locks.Remove(key);
                }
                mine.Remove(h);
            }
            if (mine.Count == 0) held.Remove(owner);
            signal = released;
            released = NewSignal();
        }
        signal.TrySetResult();
    }

    /// <summary>Lock names held by an owner, for the lock query and job info.</summary>
    public IReadOnlyList<string> HeldBy(object owner)
    {
        lock (sync)
            return held.TryGetValue(owner, out var mine)
                ? mine.Select(h => $"{h.Level.Name()}/{h.Name}").ToList()
                : [];
    }

    /// <summary>All held locks: (level/name, mode, owners), for /2/query/lock.</summary>
    public IReadOnlyList<(string Name, string Mode, IReadOnlyList<object> Owners)> Snapshot()
    {
        lock (sync)
            return locks.Where(kv => kv.Key.Item2 != SetLock)
                .Select(kv => ($"{kv.Key.Item1.Name()}/{kv.Key.Item2}",
                    kv.Value.ExclusiveOwner is not null ? "exclusive" : "shared",
                    (IReadOnlyList<object>)(kv.Value.ExclusiveOwner is { } ex ? [ex] : kv.Value.SharedOwners.ToList())))
                .OrderBy(x => x.Item1, StringComparer.Ordinal).ToList();
    }
}
