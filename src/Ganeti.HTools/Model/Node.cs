namespace Ganeti.HTools.Model;

/// <summary>
/// A node: its scalar state (<see cref="State"/>) plus the collections that only change
/// when a move is committed (instance lists, peer memory, tag counts).
/// </summary>
public sealed class Node
{
    public required string Name { get; set; }
    public string Alias { get; set; } = "";
    public int Index { get; set; }
    public int Group { get; set; }
    public bool IsMaster { get; set; }
    public List<string> Tags { get; set; } = new();
    public IPolicy Policy { get; set; } = IPolicy.Default;
    public double MDsk { get; set; }

    public NodeState State;

    public List<int> PList { get; } = new();
    public List<int> SList { get; } = new();

    /// <summary>Memory needed on this node by a failover of the instances whose primary is the key.</summary>
    public Dictionary<int, int> Peers { get; } = new();
    public Dictionary<string, int> PTags { get; } = new();
    public HashSet<string> LocationTags { get; set; } = new();
    public HashSet<string> MigTags { get; set; } = new();
    public HashSet<string> RecvMigTags { get; set; } = new();

    /// <summary>Instances per (location tag, exclusion tag) pair among the primaries.</summary>
    public Dictionary<(string, string), int> InstanceMap { get; } = new();

    private int _peerMaxKey = -1, _peerMax1, _peerMax2;

    public bool Offline => State.Offline;

    /// <summary>Largest peer memory, ignoring the entry for <paramref name="key"/>.</summary>
    public int PeerMaxExcluding(int key) => key == _peerMaxKey ? _peerMax2 : _peerMax1;

    internal void RefreshPeerMax()
    {
        _peerMaxKey = -1; _peerMax1 = 0; _peerMax2 = 0;
        foreach (var (k, v) in Peers)
        {
            if (v > _peerMax1 || _peerMaxKey < 0)
            {
                _peerMax2 = _peerMax1; _peerMax1 = v; _peerMaxKey = k;
            }
            else if (v > _peerMax2) _peerMax2 = v;
        }
        if (_peerMax1 < 0) _peerMax1 = 0;
        if (_peerMax2 < 0) _peerMax2 = 0;
    }

    /// <summary>Ganeti's migration rule: the target must accept all migration tags of the source.</summary>
    public static bool CanMigrate(Node src, Node dst)
    {
        if (src.MigTags.Count == 0) return true;
        foreach (var t in src.MigTags) if (!dst.RecvMigTags.Contains(t)) return false;
        return true;
    }

    public void SetPolicy(IPolicy p)
    {
        Policy = p;
        State.VcpuRatio = p.VcpuRatio;
        State.HiSpindles = p.SpindleRatio * State.TSpindles;
    }

    public void SetMDsk(double ratio)
    {
        MDsk = ratio;
        State.LoDsk = (int)Math.Floor(ratio * State.TDsk);
    }

    // ---- committing changes to the collections (the scalar state is updated by the caller) ----

    internal void CommitAddPri(Instance inst)
    {
        foreach (var t in inst.ExclTags) PTags[t] = PTags.TryGetValue(t, out var c) ? c + 1 : 1;
        if (inst.Forthcoming) return;
        PList.Add(inst.Index);
        foreach (var loc in LocationTags)
            foreach (var ex in inst.ExclTags)
                InstanceMap[(loc, ex)] = InstanceMap.TryGetValue((loc, ex), out var c) ? c + 1 : 1;
    }

    internal void CommitRemovePri(Instance inst)
    {
        foreach (var t in inst.ExclTags)
            if (PTags.TryGetValue(t, out var c)) { if (c > 1) PTags[t] = c - 1; else PTags.Remove(t); }
        if (inst.Forthcoming) return;
        PList.Remove(inst.Index);
        foreach (var loc in LocationTags)
            foreach (var ex in inst.ExclTags)
                if (InstanceMap.TryGetValue((loc, ex), out var c)) { if (c > 1) InstanceMap[(loc, ex)] = c - 1; else InstanceMap.Remove((loc, ex)); }
    }

    internal void CommitAddSec(Instance inst, int pdx)
    {
        if (inst.Forthcoming) return;
        SList.Add(inst.Index);
        int add = inst.UsesSecMem ? inst.Mem : 0;
        Peers[pdx] = (Peers.TryGetValue(pdx, out var v) ? v : 0) + add;
        RefreshPeerMax();
    }

    /// <summary>Everything a placement or move changes on a node, to be put back with <see cref="Restore"/>.</summary>
    internal sealed record Saved(NodeState State, int[] PList, int[] SList, KeyValuePair<int, int>[] Peers,
        KeyValuePair<string, int>[] PTags, KeyValuePair<(string, string), int>[] InstanceMap);

    internal Saved Save() => new(State, PList.ToArray(), SList.ToArray(), Peers.ToArray(), PTags.ToArray(), InstanceMap.ToArray());

    internal void Restore(Saved s)
    {
        State = s.State;
        PList.Clear(); PList.AddRange(s.PList);
        SList.Clear(); SList.AddRange(s.SList);
        Peers.Clear(); foreach (var kv in s.Peers) Peers[kv.Key] = kv.Value;
        PTags.Clear(); foreach (var kv in s.PTags) PTags[kv.Key] = kv.Value;
        InstanceMap.Clear(); foreach (var kv in s.InstanceMap) InstanceMap[kv.Key] = kv.Value;
        RefreshPeerMax();
    }

    internal void CommitRemoveSec(Instance inst, int pdx)
    {
        if (inst.Forthcoming) return;
        SList.Remove(inst.Index);
        int old = Peers.TryGetValue(pdx, out var v) ? v : 0;
        int nv = inst.UsesSecMem ? old - inst.Mem : old;
        if (nv > 0) Peers[pdx] = nv; else Peers.Remove(pdx);
        RefreshPeerMax();
    }
}
