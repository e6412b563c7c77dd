namespace Ganeti.Master.Locking;

/// <summary>
/// Shared/exclusive locks at Ganeti's levels. A job acquires its locks level by level in
/// <see cref="LockLevel"/> order, and all the locks of one level at once, so two jobs can never
/// wait for each other in a cycle. Taking "all" of a level (Ganeti's ALL_SET) covers every name
/// at that level, present or future: exclusive-all excludes everything else at the level,
/// shared-all excludes exclusive holders of any name.
/// </summary>
public sealed class LockManager
{
    private sealed class NameLock
    {
        public object? ExclusiveOwner;
        public readonly HashSet<object> SharedOwners = [];
        public bool Free => ExclusiveOwner is null && SharedOwners.Count == 0;
    }

    private sealed class LevelLock
    {
        public object? AllExclusive;
        public readonly HashSet<object> AllShared = [];
        public readonly Dictionary<string, NameLock> Names = new(StringComparer.Ordinal);
    }

    private readonly object sync = new();
    private readonly Dictionary<LockLevel, LevelLock> levels = [];
    private readonly Dictionary<object, SortedSet<LockLevel>> heldLevels = [];
    /// <summary>A request waiting for its locks, in arrival order.</summary>
    private sealed record Waiter(object Owner, LockRequest Request)
    {
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly LinkedList<Waiter> waiters = new();

    /// <summary>
    /// Acquires all locks of one level for <paramref name="owner"/>, waiting as long as needed.
    /// Waiting requests are served in arrival order: a later request never takes a lock an earlier
    /// waiting one needs, so a busy lock cannot starve anyone. Throws when the owner already holds
    /// locks at this or a later level (level order).
    /// </summary>
    public async Task AcquireAsync(object owner, LockRequest request, CancellationToken cancellationToken)
    {
        Waiter waiter;
        LinkedListNode<Waiter> node;
        lock (sync)
        {
            CheckOrder(owner, request.Level);
            if (!BlockedByEarlier(owner, request, null) && TryGrant(owner, request)) return;
            waiter = new Waiter(owner, request);
            node = waiters.AddLast(waiter);
        }
        try
        {
            await waiter.Granted.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            bool granted;
            lock (sync)
            {
                granted = waiter.Granted.Task.IsCompletedSuccessfully;
                if (!granted) waiters.Remove(node);
            }
            if (granted) Release(owner, request.Level);
            else GrantWaiting();
            throw;
        }
    }

    /// <summary>Non-blocking variant: returns false without waiting when any lock is taken.</summary>
    public bool TryAcquire(object owner, LockRequest request)
    {
        lock (sync)
        {
            CheckOrder(owner, request.Level);
            return !BlockedByEarlier(owner, request, null) && TryGrant(owner, request);
        }
    }

    /// <summary>Whether a waiting request ahead of <paramref name="upTo"/> wants a lock this request would conflict with.</summary>
    private bool BlockedByEarlier(object owner, LockRequest request, LinkedListNode<Waiter>? upTo)
    {
        for (var n = waiters.First; n is not null && n != upTo; n = n.Next)
            if (!ReferenceEquals(n.Value.Owner, owner) && Conflict(n.Value.Request, request))
                return true;
        return false;
    }

    private static bool Conflict(LockRequest a, LockRequest b)
    {
        if (a.Level != b.Level || (a.Shared && b.Shared)) return false;
        if (a.All || b.All) return true;
        return a.Names!.Intersect(b.Names!, StringComparer.Ordinal).Any();
    }

    /// <summary>Grants waiting requests, in order, that nothing held and no earlier waiter blocks.</summary>
    private void GrantWaiting()
    {
        var granted = new List<Waiter>();
        lock (sync)
        {
            for (var n = waiters.First; n is not null;)
            {
                var next = n.Next;
                if (!BlockedByEarlier(n.Value.Owner, n.Value.Request, n) && TryGrant(n.Value.Owner, n.Value.Request))
                {
                    waiters.Remove(n);
                    granted.Add(n.Value);
                }
                n = next;
            }
        }
        foreach (var w in granted)
            w.Granted.TrySetResult();
    }

    private void CheckOrder(object owner, LockLevel level)
    {
        if (heldLevels.TryGetValue(owner, out var mine) && mine.Count > 0 && mine.Max >= level)
            throw new InvalidOperationException(
                $"Lock order violation: already holding locks at level {mine.Max.Name()}, asked for {level.Name()}");
    }

    private LevelLock Level(LockLevel level) =>
        levels.TryGetValue(level, out var l) ? l : levels[level] = new LevelLock();

    private bool TryGrant(object owner, LockRequest request)
    {
        var l = Level(request.Level);
        bool Others(IEnumerable<object> holders) => holders.Any(h => !ReferenceEquals(h, owner));
        if (l.AllExclusive is not null && !ReferenceEquals(l.AllExclusive, owner)) return false;
        if (request.All)
        {
            if (request.Shared)
            {
                if (l.Names.Values.Any(n => n.ExclusiveOwner is not null && !ReferenceEquals(n.ExclusiveOwner, owner))) return false;
                l.AllShared.Add(owner);
            }
            else
            {
                if (Others(l.AllShared)) return false;
                if (l.Names.Values.Any(n => (n.ExclusiveOwner is not null && !ReferenceEquals(n.ExclusiveOwner, owner)) || Others(n.SharedOwners)))
                    return false;
                l.AllExclusive = owner;
            }
        }
        else
        {
            if (!request.Shared && Others(l.AllShared)) return false;
            foreach (var name in request.Names!)
            {
                if (!l.Names.TryGetValue(name, out var n)) continue;
                if (n.ExclusiveOwner is not null && !ReferenceEquals(n.ExclusiveOwner, owner)) return false;
                if (!request.Shared && Others(n.SharedOwners)) return false;
            }
            foreach (var name in request.Names!)
            {
                if (!l.Names.TryGetValue(name, out var n)) l.Names[name] = n = new NameLock();
                if (request.Shared) { if (n.ExclusiveOwner is null) n.SharedOwners.Add(owner); }
                else { n.SharedOwners.Remove(owner); n.ExclusiveOwner = owner; }
            }
        }
        if (!heldLevels.TryGetValue(owner, out var set)) heldLevels[owner] = set = [];
        set.Add(request.Level);
        return true;
    }

    /// <summary>Releases every lock the owner holds at the given level (or all levels).</summary>
    public void Release(object owner, LockLevel? level = null)
    {
        lock (sync)
        {
            if (!heldLevels.TryGetValue(owner, out var mine)) return;
            foreach (var lv in mine.Where(x => level is null || x == level).ToList())
            {
                var l = levels[lv];
                if (ReferenceEquals(l.AllExclusive, owner)) l.AllExclusive = null;
                l.AllShared.Remove(owner);
                foreach (var (name, n) in l.Names.ToList())
                {
                    if (ReferenceEquals(n.ExclusiveOwner, owner)) n.ExclusiveOwner = null;
                    n.SharedOwners.Remove(owner);
                    if (n.Free) l.Names.Remove(name);
                }
                mine.Remove(lv);
            }
            if (mine.Count == 0) heldLevels.Remove(owner);
        }
        GrantWaiting();
    }

    /// <summary>Lock names held by an owner ("level/name", "level/[all]").</summary>
    public IReadOnlyList<string> HeldBy(object owner)
    {
        lock (sync)
            return Snapshot().Where(s => s.Owners.Any(o => ReferenceEquals(o, owner))).Select(s => s.Name).ToList();
    }

    /// <summary>All held locks: (level/name, mode, owners), for the lock query.</summary>
    public IReadOnlyList<(string Name, string Mode, IReadOnlyList<object> Owners)> Snapshot()
    {
        lock (sync)
        {
            var result = new List<(string, string, IReadOnlyList<object>)>();
            foreach (var (lv, l) in levels)
            {
                if (l.AllExclusive is not null) result.Add(($"{lv.Name()}/[all]", "exclusive", [l.AllExclusive]));
                if (l.AllShared.Count > 0) result.Add(($"{lv.Name()}/[all]", "shared", l.AllShared.ToList()));
                foreach (var (name, n) in l.Names)
                    result.Add(($"{lv.Name()}/{name}", n.ExclusiveOwner is null ? "shared" : "exclusive",
                        n.ExclusiveOwner is { } ex ? [ex] : n.SharedOwners.ToList()));
            }
            return result.OrderBy(x => x.Item1, StringComparer.Ordinal).ToList();
        }
    }
}
