namespace Ganeti.HTools.Model;

/// <summary>
/// The scalar part of a node: everything the score and the placement checks read.
/// It is a value type so that a candidate move can be evaluated on copies without
/// touching the cluster.
/// </summary>
public struct NodeState
{
    public double TMem;
    public int NMem, FMem, IMem, XMem;
    public double TDsk;
    public int FDsk;
    public double TCpu, CpuSpeed;
    public int NCpu, UCpu;
    public int TSpindles, FSpindles;
    public double InstSpindles;
    public int PCount, SCount;
    public int RMem;
    public bool FailN1;
    public int LoDsk;
    public double HiSpindles, VcpuRatio;
    public bool Offline, ExclStorage;
    public int FMemForth, FDskForth, UCpuForth, FSpindlesForth;
    public double InstSpindlesForth;
    public DynUtil Load, LoadForth, Pool;
    public int Conflicting;
    public int LocationScore;

    /// <summary>Free memory as recorded by Ganeti (total minus node and instance memory).</summary>
    public readonly int RecordedFreeMem => (int)TMem - NMem - IMem;

    /// <summary>Memory neither used nor unaccounted for.</summary>
    public readonly int UnallocatedMem => RecordedFreeMem - Math.Max(0, XMem);

    public readonly int AvailMem => Math.Max(0, UnallocatedMem - RMem);

    public readonly int AvailDisk => FDsk < LoDsk ? 0 : FDsk - LoDsk;

    public readonly int HiCpu => (int)Math.Floor(VcpuRatio * TCpu);

    public readonly int AvailCpu => HiCpu >= UCpu ? HiCpu - UCpu : 0;

    public readonly double PMem => UnallocatedMem / TMem;
    public readonly double PMemForth => FMemForth / TMem;
    public readonly double PDsk => ComputePDsk(FDsk, FSpindles);
    public readonly double PDskForth => ComputePDsk(FDskForth, FSpindlesForth);
    public readonly double PRem => RMem / TMem;
    public readonly double PCpu => UCpu / TCpu;
    public readonly double PCpuForth => UCpuForth / TCpu;

    private readonly double ComputePDsk(int freeDsk, int freeSpindles)
    {
        if (ExclStorage) return TSpindles == 0 ? 1 : freeSpindles / (double)TSpindles;
        return TDsk == 0 ? 1 : freeDsk / TDsk;
    }

    private readonly int NewFreeSpindles(bool add, Instance inst, int current)
    {
        if (!ExclStorage) return 0;
        if (inst.TotalSpindles is not int s) return add ? -1 : current;
        return add ? current - s : current + s;
    }

    private readonly double NewInstSpindles(bool add, Instance inst, double current)
    {
        if (ExclStorage) return 0.0;
        if (!inst.UsesLocalStorage) return current;
        return add ? current + inst.SpindleUse : current - inst.SpindleUse;
    }

    private static int DesiredLocationScore(Node node, Instance inst)
    {
        if (inst.DesiredLocations.Count == 0) return 0;
        int missing = 0;
        foreach (var t in inst.DesiredLocations)
            if (!node.LocationTags.Contains(t)) missing++;
        return missing;
    }

    /// <summary>Number of exclusion tags of the instance already present among the node's primaries.</summary>
    private static int PresentTags(Node node, Instance inst)
    {
        int n = 0;
        foreach (var t in inst.ExclTags)
            if (node.PTags.ContainsKey(t)) n++;
        return n;
    }

    private static int RemovedConflicts(Node node, Instance inst)
    {
        int n = 0;
        foreach (var t in inst.ExclTags)
            if (node.PTags.TryGetValue(t, out var c) && c > 1) n++;
        return n;
    }

    /// <summary>Removes a primary instance.</summary>
    public void RemovePri(Node node, Instance inst, bool tags = true)
    {
        bool usesDisk = inst.UsesLocalStorage;
        if (!inst.Forthcoming)
        {
            PCount--;
            if (inst.UsesMemory) IMem -= inst.Mem;
            FailN1 = UnallocatedMem <= RMem;
            if (usesDisk) FDsk += inst.Dsk;
            FSpindles = NewFreeSpindles(false, inst, FSpindles);
            InstSpindles = NewInstSpindles(false, inst, InstSpindles);
            if (inst.NotOffline) UCpu -= inst.Vcpus;
            Load -= inst.Util;
            LocationScore -= inst.LocationScore + DesiredLocationScore(node, inst);
        }
        if (tags) Conflicting -= RemovedConflicts(node, inst);
        FMemForth += inst.Mem;
        if (usesDisk) FDskForth += inst.Dsk;
        FSpindlesForth = NewFreeSpindles(false, inst, FSpindlesForth);
        InstSpindlesForth = NewInstSpindles(false, inst, InstSpindlesForth);
        if (inst.NotOffline) UCpuForth -= inst.Vcpus;
        LoadForth -= inst.Util;
    }

    /// <summary>Adds a primary instance; <paramref name="force"/> skips the soft checks.</summary>
    public FailMode AddPri(Node node, Instance inst, bool force, bool tags = true)
    {
        bool strict = !force;
        bool usesDisk = inst.UsesLocalStorage;
        double lCpu = VcpuRatio;
        int newMemForth = FMemForth - inst.Mem;
        int newDskForth = usesDisk ? FDskForth - inst.Dsk : FDskForth;
        int newFreeSpForth = NewFreeSpindles(true, inst, FSpindlesForth);
        double newInstSpForth = NewInstSpindles(true, inst, InstSpindlesForth);
        int newUCpuForth = inst.NotOffline ? UCpuForth + inst.Vcpus : UCpuForth;
        double newPCpuForth = newUCpuForth / TCpu;

        if (inst.Forthcoming)
        {
            if (strict)
            {
                var f = PriForthViolation(usesDisk, lCpu, newMemForth, newDskForth, newFreeSpForth, newInstSpForth, newPCpuForth);
                if (f != FailMode.None) return f;
            }
        }
        else
        {
            int newIMem = inst.UsesMemory ? IMem + inst.Mem : IMem;
            int newFreeMem = (int)TMem - NMem - newIMem - Math.Max(0, XMem);
            bool newFailN1 = newFreeMem <= RMem;
            int newDsk = usesDisk ? FDsk - inst.Dsk : FDsk;
            int newFreeSp = NewFreeSpindles(true, inst, FSpindles);
            double newInstSp = NewInstSpindles(true, inst, InstSpindles);
            int newUCpu = inst.NotOffline ? UCpu + inst.Vcpus : UCpu;
            double newPCpu = newUCpu / TCpu;
            if (newFreeMem <= 0) return FailMode.Mem;
            if (usesDisk && newDsk <= 0) return FailMode.Disk;
            if (strict && usesDisk && newDsk < LoDsk) return FailMode.Disk;
            if (usesDisk && ExclStorage && newFreeSp < 0) return FailMode.Spindles;
            if (strict && usesDisk && newInstSp > HiSpindles) return FailMode.Disk;
            if (strict && newFailN1 && !FailN1) return FailMode.Mem;
            if (strict && lCpu >= 0 && lCpu < newPCpu) return FailMode.Cpu;
            if (strict && PresentTags(node, inst) > 0) return FailMode.Tags;
            if (strict)
            {
                var f = PriForthViolation(usesDisk, lCpu, newMemForth, newDskForth, newFreeSpForth, newInstSpForth, newPCpuForth);
                if (f != FailMode.None) return f;
            }
            PCount++;
            IMem = newIMem;
            FDsk = newDsk;
            FailN1 = newFailN1;
            UCpu = newUCpu;
            Load += inst.Util;
            InstSpindles = newInstSp;
            FSpindles = newFreeSp;
            LocationScore += inst.LocationScore + DesiredLocationScore(node, inst);
        }
        if (tags) Conflicting += PresentTags(node, inst);
        FMemForth = newMemForth;
        FDskForth = newDskForth;
        UCpuForth = newUCpuForth;
        LoadForth += inst.Util;
        InstSpindlesForth = newInstSpForth;
        FSpindlesForth = newFreeSpForth;
        return FailMode.None;
    }

    private readonly FailMode PriForthViolation(bool usesDisk, double lCpu, int newMemForth, int newDskForth,
        int newFreeSpForth, double newInstSpForth, double newPCpuForth)
    {
        if (newMemForth <= 0) return FailMode.Mem;
        if (usesDisk && newDskForth <= 0) return FailMode.Disk;
        if (usesDisk && newDskForth < LoDsk) return FailMode.Disk;
        if (usesDisk && ExclStorage && newFreeSpForth < 0) return FailMode.Spindles;
        if (usesDisk && newInstSpForth > HiSpindles) return FailMode.Disk;
        if (lCpu >= 0 && lCpu < newPCpuForth) return FailMode.Cpu;
        return FailMode.None;
    }

    private readonly FailMode SecForthViolation(Instance inst, int secMem, int oldMemForth, int newDskForth,
        int newFreeSpForth, double newInstSpForth)
    {
        if (!inst.HasSecondary) return FailMode.Disk;
        if (newDskForth <= 0) return FailMode.Disk;
        if (newDskForth < LoDsk) return FailMode.Disk;
        if (ExclStorage && newFreeSpForth < 0) return FailMode.Spindles;
        if (newInstSpForth > HiSpindles) return FailMode.Disk;
        if (secMem >= oldMemForth) return FailMode.Mem;
        return FailMode.None;
    }

    /// <summary>Removes a secondary instance whose primary is <c>inst.PNode</c>.</summary>
    public void RemoveSec(Node node, Instance inst)
    {
        bool usesDisk = inst.UsesLocalStorage;
        if (!inst.Forthcoming)
        {
            SCount--;
            if (usesDisk) FDsk += inst.Dsk;
            FSpindles = NewFreeSpindles(false, inst, FSpindles);
            InstSpindles = NewInstSpindles(false, inst, InstSpindles);
            int pnode = inst.PNode;
            int oldPeem = node.Peers.TryGetValue(pnode, out var v) ? v : 0;
            int newPeem = inst.UsesSecMem ? oldPeem - inst.Mem : oldPeem;
            int newRMem = oldPeem < RMem ? RMem : Math.Max(node.PeerMaxExcluding(pnode), Math.Max(newPeem, 0));
            RMem = newRMem;
            FailN1 = UnallocatedMem <= newRMem;
            Load = Load with { Dsk = Load.Dsk - inst.Util.Dsk };
        }
        if (usesDisk) FDskForth += inst.Dsk;
        FSpindlesForth = NewFreeSpindles(false, inst, FSpindlesForth);
        InstSpindlesForth = NewInstSpindles(false, inst, InstSpindlesForth);
        LoadForth = LoadForth with { Dsk = LoadForth.Dsk - inst.Util.Dsk };
    }

    /// <summary>Adds a secondary instance whose primary will be <paramref name="pdx"/>.</summary>
    public FailMode AddSec(Node node, Instance inst, int pdx, bool force, bool ignoreDisks = false)
    {
        bool strict = !force;
        int secMem = inst.UsesSecMem ? inst.Mem : 0;
        int newPeem = (node.Peers.TryGetValue(pdx, out var v) ? v : 0) + secMem;
        int oldMemForth = FMemForth;
        int newDskForth = FDskForth - inst.Dsk;
        int newFreeSpForth = NewFreeSpindles(true, inst, FSpindlesForth);
        double newInstSpForth = NewInstSpindles(true, inst, InstSpindlesForth);

        if (inst.Forthcoming)
        {
            if (strict)
            {
                var f = SecForthViolation(inst, secMem, oldMemForth, newDskForth, newFreeSpForth, newInstSpForth);
                if (f != FailMode.None) return f;
            }
        }
        else
        {
            int oldMem = UnallocatedMem;
            int newDsk = FDsk - inst.Dsk;
            int newFreeSp = NewFreeSpindles(true, inst, FSpindles);
            double newInstSp = NewInstSpindles(true, inst, InstSpindles);
            int newRMem = Math.Max(RMem, newPeem);
            bool newFailN1 = oldMem <= newRMem;
            if (!inst.HasSecondary) return FailMode.Disk;
            if (!ignoreDisks && newDsk <= 0) return FailMode.Disk;
            if (strict && newDsk < LoDsk) return FailMode.Disk;
            if (ExclStorage && newFreeSp < 0) return FailMode.Spindles;
            if (strict && newInstSp > HiSpindles) return FailMode.Disk;
            if (strict && secMem >= oldMem) return FailMode.Mem;
            if (strict && newFailN1 && !FailN1) return FailMode.Mem;
            if (strict)
            {
                var f = SecForthViolation(inst, secMem, oldMemForth, newDskForth, newFreeSpForth, newInstSpForth);
                if (f != FailMode.None) return f;
            }
            SCount++;
            FDsk = newDsk;
            FailN1 = newFailN1;
            RMem = newRMem;
            Load = Load with { Dsk = Load.Dsk + inst.Util.Dsk };
            InstSpindles = newInstSp;
            FSpindles = newFreeSp;
        }
        FDskForth = newDskForth;
        LoadForth = LoadForth with { Dsk = LoadForth.Dsk + inst.Util.Dsk };
        InstSpindlesForth = newInstSpForth;
        FSpindlesForth = newFreeSpForth;
        return FailMode.None;
    }
}
