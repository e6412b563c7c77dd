namespace Ganeti.Master.Locking;

/// <summary>
/// The locks a logical unit needs at one level: some names, or all of them (which also blocks
/// additions and removals at that level), shared or exclusive.
/// </summary>
public sealed record LockRequest(LockLevel Level, IReadOnlyList<string>? Names, bool Shared)
{
    /// <summary>Null names means every lock at the level (Ganeti's ALL_SET).</summary>
    public bool All => Names is null;

    public static LockRequest AllOf(LockLevel level, bool shared = false) => new(level, null, shared);

    public static LockRequest Of(LockLevel level, IEnumerable<string> names, bool shared = false) =>
        new(level, names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), shared);
}
