namespace Ganeti.HTools.Model;

/// <summary>Why a node refused an instance; None means the operation succeeded.</summary>
public enum FailMode { None, Mem, Disk, DiskCount, Cpu, N1, Tags, Spindles, Mig, Internal }
