namespace Ganeti.HTools.Model;

/// <summary>One disk of an instance: size in MiB and, with exclusive storage, its spindles.</summary>
public readonly record struct Disk(int Size, int? Spindles);
