namespace Ganeti.Remoting.Rapi.Model;

/// <summary>One network interface of an instance, as the bulk listing reports it.</summary>
public sealed class GntInstanceNic
{
    public int Index { get; init; }
    public string? Name { get; init; }
    public string? MacAddress { get; init; }
    public string? IPAddress { get; init; }
    /// <summary>bridged, routed or openvswitch.</summary>
    public string? Mode { get; init; }
    public string? Link { get; init; }
    public string? Network { get; init; }
    public string? NetworkName { get; init; }
    public string? Bridge { get; init; }
    public string? Uuid { get; init; }

    public override string ToString() => $"nic/{Index}:{MacAddress}";
}
