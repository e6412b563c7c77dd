namespace Ganeti.HTools.Model;

/// <summary>Dynamic utilisation (cpu, memory, disk, network weights).</summary>
public readonly record struct DynUtil(double Cpu, double Mem, double Dsk, double Net)
{
    public static readonly DynUtil Zero = new(0, 0, 0, 0);
    public static readonly DynUtil Base = new(1, 1, 1, 1);
    public static DynUtil operator +(DynUtil a, DynUtil b) => new(a.Cpu + b.Cpu, a.Mem + b.Mem, a.Dsk + b.Dsk, a.Net + b.Net);
    public static DynUtil operator -(DynUtil a, DynUtil b) => new(a.Cpu - b.Cpu, a.Mem - b.Mem, a.Dsk - b.Dsk, a.Net - b.Net);
}
