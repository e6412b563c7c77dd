namespace Ganeti.HTools.Model;

/// <summary>Creates nodes with the initial state Ganeti gives them before instances are placed.</summary>
public static class NodeFactory
{
    public static Node Create(string name, double tMem, int nMem, int fMem, double tDsk, int fDsk, double tCpu,
        int nCpu, bool offline, int tSpindles, int fSpindles, int group, bool exclStorage)
    {
        var n = new Node { Name = name, Alias = name, Group = group };
        n.State = new NodeState
        {
            TMem = tMem, NMem = nMem, FMem = fMem, FMemForth = fMem,
            TDsk = tDsk, FDsk = fDsk, FDskForth = fDsk,
            TCpu = tCpu, CpuSpeed = 1, NCpu = nCpu, UCpu = nCpu, UCpuForth = nCpu,
            TSpindles = tSpindles, FSpindles = fSpindles, FSpindlesForth = fSpindles,
            FailN1 = true, Offline = offline, ExclStorage = exclStorage,
            Pool = DynUtil.Base, Load = DynUtil.Zero, LoadForth = DynUtil.Zero,
        };
        n.SetPolicy(IPolicy.Default);
        n.SetMDsk(0);
        return n;
    }
}
