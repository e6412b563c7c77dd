namespace Ganeti.Remoting.Rapi.Model;

/// <summary>One disk of an instance, as the bulk listing reports it.</summary>
public sealed class GntInstanceDisk
{
    public int Index { get; init; }
    public string? Name { get; init; }
    /// <summary>Size in MiB.</summary>
    public long? SizeMB { get; init; }
    public long? Spindles { get; init; }
    public string? Uuid { get; init; }

    public override string ToString() => $"disk/{Index}:{SizeMB}M";
}
