using Ganeti.HTools.Allocation;
using Ganeti.HTools.Model;
using Ganeti.HTools.Scoring;

namespace Ganeti.HTools.Capacity;

/// <summary>
/// hspace's computation: keep allocating instances of a spec until the cluster is full
/// (standard mode), or shrink the failing resource and continue (tiered mode).
/// </summary>
public static class CapacityPlanner
{
    public const int UnitMem = 64, UnitDsk = 256, UnitCpu = 1;

    /// <summary>Failure reasons in the order hspace lists them.</summary>
    private static readonly FailMode[] ReportOrder =
    {
        FailMode.Mem, FailMode.Disk, FailMode.Cpu, FailMode.N1, FailMode.Tags, FailMode.Mig,
        FailMode.DiskCount, FailMode.Spindles, FailMode.Internal,
    };

    /// <summary>
    /// The most frequent failure, the reason hspace reports; between equally frequent ones,
    /// the one hspace lists first (memory over disk over N+1). Tiered mode breaks ties the
    /// other way when it picks the resource to shrink (<see cref="ByLikelihood"/>).
    /// </summary>
    public static FailMode MostLikely(IReadOnlyDictionary<FailMode, int> failures)
    {
        var top = FailMode.Internal;
        int best = 0;
        foreach (var f in ReportOrder)
            if (failures.TryGetValue(f, out var c) && c > best) { best = c; top = f; }
        return top;
    }

    /// <summary>
    /// The failure counts of the last attempt as hspace prints them, most frequent first: every
    /// reason after an allocation attempt, only N+1 when the cluster was not N+1 happy to begin with.
    /// </summary>
    public static IEnumerable<(FailMode Mode, int Count)> FailureCounts(IReadOnlyDictionary<FailMode, int>? failures)
    {
        if (failures is null || failures.Count == 0) return Array.Empty<(FailMode, int)>();
        return ReportOrder.Where(failures.ContainsKey).Select(f => (f, failures[f])).OrderByDescending(x => x.Item2).ToList();
    }

    /// <summary>
    /// The failure reasons of an attempt, most frequent first (between equally frequent ones,
    /// the one hspace lists last first): the order in which tiered mode tries to shrink the spec.
    /// </summary>
    public static List<FailMode> ByLikelihood(IReadOnlyDictionary<FailMode, int> failures)
        => ReportOrder.Select((f, k) => (f, k, c: failures.TryGetValue(f, out var c) ? c : 0))
            .Where(x => x.c > 0).OrderByDescending(x => x.c).ThenByDescending(x => x.k).Select(x => x.f).ToList();

    /// <summary>An instance size hspace allocates: memory, total disk (on one disk), vcpus and that disk's spindles.</summary>
    public readonly record struct Spec(int Mem, int Dsk, int Cpu, int Spn)
    {
        public static Spec Of(ISpec s) => new(s.MemorySize, s.DiskSize, s.CpuCount, s.SpindleUse);

        /// <summary>
        /// One unit less of the resource a failure names (64 MiB of memory, 256 MiB of disk, one
        /// vcpu, one spindle), or null when that would go below one unit or the failure names no
        /// resource (an N+1 or tag failure shrinks nothing).
        /// </summary>
        public Spec? Shrink(FailMode f) => f switch
        {
            FailMode.Mem => Mem - UnitMem >= UnitMem ? this with { Mem = Mem - UnitMem } : null,
            FailMode.Disk => Dsk - UnitDsk >= UnitDsk ? this with { Dsk = Dsk - UnitDsk } : null,
            FailMode.Cpu => Cpu - UnitCpu >= UnitCpu ? this with { Cpu = Cpu - UnitCpu } : null,
            FailMode.Spindles => Spn - 1 >= 1 ? this with { Spn = Spn - 1 } : null,
            _ => null,
        };
    }

    /// <summary>
    /// hspace's standard run (<paramref name="tiered"/> false): instances of the spec until one
    /// fails; or its tiered run from that spec (see <see cref="RunTiered"/>).
    /// </summary>
    public static CapacityResult Run(ClusterData cd, ISpec spec, DiskTemplate template, bool tiered, int limit = 100_000,
        bool independentGroups = false, bool acceptExistingErrors = false, int? spindleUse = null)
        => tiered
            ? RunTiered(cd, new[] { spec }, template, limit, independentGroups, acceptExistingErrors, spindleUse)
            : new Session(cd, template, limit, independentGroups, acceptExistingErrors, spindleUse ?? spec.SpindleUse).Standard(Spec.Of(spec));

    /// <summary>
    /// hspace's tiered run, from each spec in turn (the instance policy's largest specs, or
    /// --tiered-alloc), each continuing on the cluster the previous one left.
    /// </summary>
    /// <remarks>
    /// From a spec, instances are allocated until one fails. The spec then shrinks by one unit of
    /// the resource that failed most often (on a tie, the one hspace lists last) and allocation
    /// goes on, as long as that leads to more instances somewhere down the line of shrinking.
    /// When the line ends (the most frequent failure names no resource that can still shrink)
    /// without a single new instance, each spec along it, the last first, tries every failing
    /// resource, most frequent first, shrinking it alone for as long as it keeps failing until
    /// an instance fits; the first that fits goes on. The instance policy limits sizes only
    /// through its checks: a spec below the smallest allowed fails on every node.
    /// <para>
    /// A cluster with a node that is already not N+1 happy takes no instance at all (one N+1
    /// failure), unless <paramref name="independentGroups"/> (then only the groups without such
    /// a node that can each lose any one node take instances, and only their redundancy counts)
    /// or <paramref name="acceptExistingErrors"/> (then every group does).
    /// The instances use <paramref name="spindleUse"/> spindles when given (hspace takes them
    /// from --spindle-use or the policy's standard spec, whatever the spec says).
    /// </para>
    /// </remarks>
    public static CapacityResult RunTiered(ClusterData cd, IReadOnlyList<ISpec> specs, DiskTemplate template, int limit = 100_000,
        bool independentGroups = false, bool acceptExistingErrors = false, int? spindleUse = null)
    {
        if (specs.Count == 0) throw new ArgumentException("A tiered run needs at least one spec.", nameof(specs));
        var session = new Session(cd, template, limit, independentGroups, acceptExistingErrors, spindleUse ?? specs[0].SpindleUse);
        return session.Tiered(specs.Select(Spec.Of).ToList());
    }

    /// <summary>One hspace run on one cluster: the allocator, the instances placed so far and their tiers.</summary>
    private sealed class Session
    {
        private readonly ClusterData _cd;
        private readonly Allocator _alloc, _probe;
        private readonly Allocator? _unchecked;
        private readonly bool _acceptExisting;
        private readonly IReadOnlyCollection<int>? _ignored;
        /// <summary>
        /// Attempts since the last placement, by spec, of <see cref="_alloc"/> and
        /// <see cref="_probe"/> (one table when they are the same). The cluster does not change
        /// between placements, so an attempt's answer does not either: the specs tried again
        /// while shrinking cost nothing.
        /// </summary>
        private readonly Dictionary<Spec, AllocResult> _fillTried = new(), _probeTried, _uncheckedTried = new();
        /// <summary>Whether the cluster as it is now is globally N+1 redundant, once worked out.</summary>
        private bool? _redundantHere;
        private readonly DiskTemplate _template;
        private readonly int _limit, _reqNodes, _spindleUse;
        private readonly List<int> _groups;
        private readonly bool _blocked;
        private readonly List<(int Mem, int Dsk, int Cpu, int Spn, int Count)> _tiers = new();
        private int _count;

        public Session(ClusterData cd, DiskTemplate template, int limit, bool independentGroups, bool acceptExistingErrors, int spindleUse)
        {
            _cd = cd;
            _template = template;
            _limit = limit;
            _reqNodes = DiskTemplates.RequiredNodes(template);
            _spindleUse = spindleUse;
            // Groups with a node that is not N+1 happy take nothing (unless existing errors are
            // accepted); with independent groups, neither do the groups that cannot lose any one
            // node, whose redundancy then stops counting. Without independent groups, a node
            // that is not N+1 happy stops the whole run.
            var badNodeGroups = cd.Nodes.Where(n => !n.Offline && n.State.FailN1).Select(n => n.Group).ToHashSet();
            var allGroups = cd.Nodes.Select(n => n.Group).Distinct().Order().ToList();
            var nonRedundant = independentGroups
                ? allGroups.Where(g => !GlobalN1.RedundantGroup(cd, g, acceptExistingErrors)).ToHashSet()
                : new HashSet<int>();
            _groups = allGroups.Where(g => (acceptExistingErrors || !badNodeGroups.Contains(g)) && !nonRedundant.Contains(g)).ToList();
            bool remaining = _groups.Any(g => cd.Groups[g].AllocPolicy != AllocPolicy.Unallocable);
            _blocked = !acceptExistingErrors && !(independentGroups && remaining) && badNodeGroups.Count > 0;
            IReadOnlyCollection<int>? ignored = independentGroups ? nonRedundant : null;
            // As hspace, drbd instances are placed without the global check: only each node's own
            // N+1 reserve for its peers' failovers limits them.
            _alloc = new Allocator(cd, capacityCheck: template != DiskTemplate.Drbd, acceptExisting: acceptExistingErrors, ignoredGroups: ignored);
            // Shrinking one resource alone until an instance fits checks full redundancy, drbd included.
            _probe = template == DiskTemplate.Drbd
                ? new Allocator(cd, drbdGlobalCheck: true, acceptExisting: acceptExistingErrors, ignoredGroups: ignored)
                : _alloc;
            _probeTried = template == DiskTemplate.Drbd ? new Dictionary<Spec, AllocResult>() : _fillTried;
            // Batches placed without the global check, kept when the cluster stays redundant (not
            // for drbd, which has no global check here anyway).
            _unchecked = template == DiskTemplate.Drbd ? null : new Allocator(cd, capacityCheck: false);
            _acceptExisting = acceptExistingErrors;
            _ignored = ignored;
        }

        public CapacityResult Standard(Spec spec)
        {
            if (_blocked) return Blocked();
            var failures = Fill(spec) ?? new Dictionary<FailMode, int>();
            return Result(failures);
        }

        public CapacityResult Tiered(IReadOnlyList<Spec> specs)
        {
            if (_blocked) return Blocked();
            IReadOnlyDictionary<FailMode, int> failures = new Dictionary<FailMode, int>();
            foreach (var spec in specs)
            {
                if (_count >= _limit) break;
                failures = FromSpec(spec);
            }
            return Result(failures);
        }

        private CapacityResult Blocked() => new(0, "FAILN1", Array.Empty<(int, int, int, int, int)>(), Metrics.Score(_cd.Nodes),
            new Dictionary<FailMode, int> { [FailMode.N1] = 1 });

        private CapacityResult Result(IReadOnlyDictionary<FailMode, int> failures)
        {
            // No failure at all: the limit stopped the run.
            if (failures.Count == 0) return new CapacityResult(_count, "", _tiers.ToList(), Metrics.Score(_cd.Nodes), failures);
            var counted = ReportOrder.ToDictionary(f => f, f => failures.TryGetValue(f, out var c) ? c : 0);
            string reason = "FAIL" + MostLikely(counted).ToString().ToUpperInvariant();
            return new CapacityResult(_count, reason, _tiers.ToList(), Metrics.Score(_cd.Nodes), counted);
        }

        /// <summary>The tiered run from one spec; the failure counts of the attempt it ended on.</summary>
        private IReadOnlyDictionary<FailMode, int> FromSpec(Spec start)
        {
            var spec = start;
            var failures = Fill(spec);
            while (true)
            {
                if (failures is null) return new Dictionary<FailMode, int>();
                // Shrink by the most frequent failure while nothing fits.
                var line = new List<(Spec Spec, IReadOnlyDictionary<FailMode, int> Failures)> { (spec, failures) };
                bool progressed = false;
                while (ByLikelihood(line[^1].Failures) is { Count: > 0 } likely && line[^1].Spec.Shrink(likely[0]) is Spec next)
                {
                    int before = _count;
                    var f = Fill(next);
                    if (f is null) return new Dictionary<FailMode, int>();
                    if (_count > before) { spec = next; failures = f; progressed = true; break; }
                    line.Add((next, f));
                }
                if (progressed) continue;
                // Nothing fitted along the line: shrink one failing resource alone, the line's last spec first.
                Spec? big = null;
                for (int j = line.Count - 1; j >= 0 && big is null; j--)
                    foreach (var f in ByLikelihood(line[j].Failures))
                        if ((big = FirstFitShrinking(line[j].Spec, f)) is not null) break;
                if (big is not Spec b) return line[0].Failures;
                int placedBefore = _count;
                spec = b;
                failures = Fill(spec);
                if (_count == placedBefore) return failures ?? new Dictionary<FailMode, int>();
            }
        }

        /// <summary>
        /// The first spec, shrinking only <paramref name="f"/> from <paramref name="spec"/>, that
        /// fits somewhere, provided every smaller step before it still failed on that resource.
        /// </summary>
        private Spec? FirstFitShrinking(Spec spec, FailMode f)
        {
            for (Spec? s = spec; s is Spec cur; s = cur.Shrink(f))
            {
                var r = Try(cur);
                if (r.Success) return cur;
                if (!r.Failures.TryGetValue(f, out var c) || c == 0) return null;
            }
            return null;
        }

        private Instance Make(Spec s) => new()
        {
            Name = $"new-{_count}", Alias = $"new-{_count}", Mem = s.Mem, Dsk = s.Dsk,
            Disks = new List<Disk> { new(s.Dsk, s.Spn) }, Vcpus = s.Cpu, DiskTemplate = _template, SpindleUse = _spindleUse,
            Status = InstanceStatus.Running, Movable = DiskTemplates.SupportsMoves(_template),
        };

        private AllocResult Try(Spec s) => Attempt(_probe, _probeTried, s);

        private AllocResult Attempt(Allocator alloc, Dictionary<Spec, AllocResult> tried, Spec s)
        {
            if (!tried.TryGetValue(s, out var r)) tried[s] = r = alloc.AllocateAcrossGroups(Make(s), _reqNodes, _groups);
            return r;
        }

        /// <summary>
        /// Allocates instances of the spec until one fails and returns that attempt's failure
        /// counts, or null when the limit was reached first.
        /// </summary>
        /// <remarks>
        /// As hspace does, instances go in batches placed without the global N+1 check (the
        /// cluster's capacity less one instance per node, at least 20), each kept if the cluster
        /// is redundant after it; after a batch that is not, batches of 10; after one of those
        /// that is not either, the rest one by one with the check. Where redundancy only gets
        /// harder as instances are added, that is what one by one would have placed; where it
        /// does not, this is what hspace places.
        /// </remarks>
        private IReadOnlyDictionary<FailMode, int>? Fill(Spec s)
        {
            int phase = _unchecked is null ? 2 : 0;
            while (_count < _limit)
            {
                if (phase < 2)
                {
                    int size = Math.Min(phase == 0 ? BigStep(s) : 10, _limit - _count);
                    // The cluster is saved only once the batch places something (often it places nothing).
                    Node.Saved[]? saved = null;
                    int count = _count, instances = _cd.Instances.Count;
                    List<(int Mem, int Dsk, int Cpu, int Spn, int Count)>? tiers = null;
                    IReadOnlyDictionary<FailMode, int>? failed = null;
                    for (int k = 0; k < size && failed is null; k++)
                    {
                        var u = Attempt(_unchecked!, _uncheckedTried, s);
                        if (!u.Success) { failed = u.Failures; break; }
                        saved ??= _cd.Nodes.Select(n => n.Save()).ToArray();
                        tiers ??= _tiers.ToList();
                        Place(s, u);
                    }
                    if (_redundantHere ??= GlobalN1.Redundant(_cd, _acceptExisting, _ignored))
                    {
                        if (failed is not null) return failed;
                        continue;
                    }
                    if (saved is not null)
                    {
                        for (int k = 0; k < saved.Length; k++) _cd.Nodes[k].Restore(saved[k]);
                        _cd.Instances.RemoveRange(instances, _cd.Instances.Count - instances);
                        _count = count;
                        _tiers.Clear(); _tiers.AddRange(tiers!);
                        Changed();
                    }
                    phase++;
                    continue;
                }
                var r = Attempt(_alloc, _fillTried, s);
                if (!r.Success) return r.Failures;
                Place(s, r);
            }
            return null;
        }

        /// <summary>The cluster changed: attempts and redundancy must be worked out again.</summary>
        private void Changed()
        {
            _fillTried.Clear();
            _probeTried.Clear();
            _uncheckedTried.Clear();
            _redundantHere = null;
        }

        /// <summary>hspace's first batch size: the instances the free memory holds, less one per node, at least 20.</summary>
        private int BigStep(Spec s)
        {
            long avail = _cd.Nodes.Sum(n => (long)n.State.AvailMem);
            return (int)Math.Max(20, avail / Math.Max(1, s.Mem) - _cd.Nodes.Count);
        }

        private void Place(Spec s, AllocResult r)
        {
            _alloc.Place(Make(s), r.Primary, r.Secondary);
            Changed();
            _count++;
            if (_tiers.Count > 0 && _tiers[^1] is var t && (t.Mem, t.Dsk, t.Cpu, t.Spn) == (s.Mem, s.Dsk, s.Cpu, s.Spn))
                _tiers[^1] = t with { Count = t.Count + 1 };
            else _tiers.Add((s.Mem, s.Dsk, s.Cpu, s.Spn, 1));
        }
    }
}
