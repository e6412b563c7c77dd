using Ganeti.HTools.Text;

namespace Ganeti.HTools.Model;

/// <summary>
/// Completes freshly parsed cluster data the way Ganeti's loader does: tag handling,
/// placing instances on nodes, peer memory, missing-memory accounting, node status options.
/// </summary>
public static class ClusterLoader
{
    public static ClusterData LoadText(string text, LoadOptions? options = null)
        => Finish(TextLoader.Parse(text), options ?? new LoadOptions());

    public static ClusterData Finish(ClusterData cd, LoadOptions options)
    {
        var nodes = cd.Nodes;
        var insts = cd.Instances;
        if (options.IgnoreDynu) foreach (var i in insts) i.Util = DynUtil.Zero;

        var exPrefixes = options.ExclusionTags.Select(t => t + ":")
            .Concat(cd.Tags.Where(t => t.StartsWith(TagPrefixes.Exclusion, StringComparison.Ordinal))
                .Select(t => t[TagPrefixes.Exclusion.Length..]).Where(t => t.Length > 0))
            .ToList();
        var dsrdPrefixes = cd.Tags.Where(t => t.StartsWith(TagPrefixes.DesiredLocation, StringComparison.Ordinal))
            .Select(t => t[TagPrefixes.DesiredLocation.Length..]).Where(t => t.Length > 0).ToList();

        string Resolve(string n, IEnumerable<string> names)
        {
            var list = names.ToList();
            if (list.Contains(n)) return n;
            var m = list.Where(x => x.StartsWith(n + ".", StringComparison.Ordinal)).ToList();
            if (m.Count == 1) return m[0];
            throw new ArgumentException($"Unknown instance(s): [\"{n}\"]");
        }
        var instNames = insts.Select(i => i.Name).ToList();
        var selected = options.SelectedInstances.Select(n => Resolve(n, instNames)).ToHashSet();
        var excluded = options.ExcludedInstances.Select(n => Resolve(n, instNames)).ToHashSet();

        string suffix = CommonSuffix(nodes.Select(n => n.Name).Concat(instNames));
        foreach (var i in insts)
        {
            i.Alias = StripSuffix(i.Name, suffix);
            i.ExclTags = i.Tags.Where(t => exPrefixes.Any(p => t.StartsWith(p, StringComparison.Ordinal))).ToArray();
            i.DesiredLocations = i.Tags.Where(t => dsrdPrefixes.Any(p => t.StartsWith(p, StringComparison.Ordinal))).ToHashSet();
            if (excluded.Contains(i.Name) || (selected.Count > 0 && !selected.Contains(i.Name))) i.Movable = false;
        }
        foreach (var n in nodes)
        {
            n.Alias = StripSuffix(n.Name, suffix);
            n.LocationTags = TagPrefixes.NodeTagsFor(TagPrefixes.Location, cd.Tags, n.Tags);
        }
        foreach (var i in insts)
        {
            i.LocationScore = i.SNode == Instance.NoNode ? 0
                : nodes[i.PNode].LocationTags.Intersect(nodes[i.SNode].LocationTags).Count();
        }
        foreach (var i in insts)
        {
            PlaceLoaded(nodes[i.PNode], i, primary: true);
            if (i.SNode != Instance.NoNode) PlaceLoaded(nodes[i.SNode], i, primary: false);
        }
        foreach (var n in nodes)
        {
            n.SetPolicy(cd.Groups[n.Group].Policy);
            BuildPeers(n, insts);
        }
        foreach (var i in insts)
        {
            if (i.SNode != Instance.NoNode && nodes[i.PNode].Group != nodes[i.SNode].Group) i.Movable = false;
        }
        foreach (var n in nodes)
        {
            n.MigTags = TagPrefixes.NodeTagsFor(TagPrefixes.Migration, cd.Tags, n.Tags);
            n.RecvMigTags = TagPrefixes.RecvMigrationTags(cd.Tags, n.Tags);
        }
        // Missing memory: what the node reports versus what our records say.
        foreach (var n in nodes)
        {
            int imem = 0;
            foreach (var idx in n.PList) if (insts[idx].UsesMemory) imem += insts[idx].Mem;
            n.State.IMem = imem;
            n.State.XMem = n.State.RecordedFreeMem - n.State.FMem;
        }
        // Node status options (-O, --min-disk, --max-cpu).
        foreach (var name in options.OfflineNodes)
        {
            var node = nodes.Find(n => n.Name == name || n.Alias == name)
                ?? nodes.SingleOrDefault(n => n.Name.StartsWith(name + ".", StringComparison.Ordinal))
                ?? throw new ArgumentException($"wrong node name(s) set as offline: {name}");
            node.State.Offline = true;
        }
        foreach (var n in nodes)
        {
            n.SetMDsk(options.MinDiskRatio);
            if (options.MaxCpuRatio is double mc) n.SetPolicy(n.Policy.WithVcpuRatio(mc));
        }
        return cd;
    }

    /// <summary>Messages about nodes whose reported free memory or disk disagree with the records.</summary>
    public static List<string> MissingResourceWarnings(ClusterData cd)
    {
        var msgs = new List<string>();
        foreach (var n in cd.Nodes)
        {
            int idsk = n.PList.Concat(n.SList).Sum(i => cd.Instances[i].Dsk);
            int deltaDsk = (int)n.State.TDsk - n.State.FDsk - idsk;
            if (n.State.XMem > 512 || deltaDsk > 1024)
                msgs.Insert(0, $"node {n.Name} is missing {n.State.XMem} MB ram and {deltaDsk / 1024} GB disk");
        }
        return msgs;
    }

    private static void PlaceLoaded(Node n, Instance inst, bool primary)
    {
        ref var s = ref n.State;
        bool usesDisk = inst.UsesLocalStorage;
        if (primary)
        {
            if (!inst.Forthcoming)
            {
                if (inst.NotOffline) s.UCpu += inst.Vcpus;
                s.Load += inst.Util;
                if (!s.ExclStorage && usesDisk) s.InstSpindles += inst.SpindleUse;
                else if (s.ExclStorage) s.InstSpindles = 0;
                int dsrd = inst.DesiredLocations.Count(t => !n.LocationTags.Contains(t));
                s.LocationScore += inst.LocationScore + dsrd;
                s.PCount++;
            }
            foreach (var t in inst.ExclTags) if (n.PTags.ContainsKey(t)) s.Conflicting++;
            n.CommitAddPri(inst);
            if (inst.NotOffline) s.UCpuForth += inst.Vcpus;
            s.LoadForth += inst.Util;
            if (!inst.UsesMemory) s.FMemForth -= inst.Mem;
            if (!s.ExclStorage && usesDisk) s.InstSpindlesForth += inst.SpindleUse;
            else if (s.ExclStorage) s.InstSpindlesForth = 0;
            if (inst.Forthcoming) ForthcomingDisk(ref s, inst);
        }
        else
        {
            if (!inst.Forthcoming)
            {
                n.SList.Add(inst.Index);
                s.SCount++;
                s.Load = s.Load with { Dsk = s.Load.Dsk + inst.Util.Dsk };
                if (!s.ExclStorage && usesDisk) s.InstSpindles += inst.SpindleUse;
                else if (s.ExclStorage) s.InstSpindles = 0;
            }
            s.LoadForth = s.LoadForth with { Dsk = s.LoadForth.Dsk + inst.Util.Dsk };
            if (!s.ExclStorage && usesDisk) s.InstSpindlesForth += inst.SpindleUse;
            else if (s.ExclStorage) s.InstSpindlesForth = 0;
            if (inst.Forthcoming) ForthcomingDisk(ref s, inst);
        }
    }

    private static void ForthcomingDisk(ref NodeState s, Instance inst)
    {
        if (inst.UsesLocalStorage) s.FDskForth -= inst.Dsk;
        if (s.ExclStorage)
            s.FSpindlesForth = inst.TotalSpindles is int sp ? s.FSpindlesForth - sp : -1;
        else s.FSpindlesForth = 0;
    }

    private static void BuildPeers(Node n, List<Instance> insts)
    {
        n.Peers.Clear();
        foreach (var idx in n.SList)
        {
            var i = insts[idx];
            int mem = i.UsesSecMem && !i.Forthcoming ? i.Mem : 0;
            n.Peers[i.PNode] = (n.Peers.TryGetValue(i.PNode, out var v) ? v : 0) + mem;
        }
        n.RefreshPeerMax();
        n.State.RMem = n.PeerMaxExcluding(-2);
        n.State.FailN1 = n.State.FMem < n.State.RMem;
    }

    /// <summary>The longest ".domain" suffix shared by all names (Ganeti strips it for display).</summary>
    public static string CommonSuffix(IEnumerable<string> names)
    {
        var list = names.ToList();
        if (list.Count == 0) return "";
        var first = list[0];
        string best = "";
        for (int i = first.Length - 1; i >= 0; i--)
        {
            if (first[i] != '.') continue;
            var suf = first[i..];
            if (list.Skip(1).All(x => x.EndsWith(suf, StringComparison.Ordinal))) best = suf;
        }
        return best;
    }

    private static string StripSuffix(string name, string suffix)
        => suffix.Length > 0 && name.EndsWith(suffix, StringComparison.Ordinal) ? name[..^suffix.Length] : name;
}
