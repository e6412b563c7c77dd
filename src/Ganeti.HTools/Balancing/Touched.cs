using System.Diagnostics.CodeAnalysis;
using Ganeti.HTools.Model;

namespace Ganeti.HTools.Balancing;

/// <summary>The nodes a simulated move changes (at most three) and their new states.</summary>
public struct Touched
{
    public int Count;
    public int I0, I1, I2;
    public NodeState S0, S1, S2;
    public int NewPrimary, NewSecondary, NewLocationScore;

    public void Reset() { Count = 0; I0 = I1 = I2 = -1; }

    /// <summary>Returns the working copy of node <paramref name="idx"/>, taking it from the cluster on first use.</summary>
    [UnscopedRef]
    public ref NodeState Get(Node[] nodes, int idx)
    {
        if (I0 == idx) return ref S0;
        if (I1 == idx) return ref S1;
        if (I2 == idx) return ref S2;
        switch (Count++)
        {
            case 0: I0 = idx; S0 = nodes[idx].State; return ref S0;
            case 1: I1 = idx; S1 = nodes[idx].State; return ref S1;
            default: I2 = idx; S2 = nodes[idx].State; return ref S2;
        }
    }

    public readonly int IndexAt(int k) => k switch { 0 => I0, 1 => I1, _ => I2 };
    public readonly NodeState StateAt(int k) => k switch { 0 => S0, 1 => S1, _ => S2 };
}
