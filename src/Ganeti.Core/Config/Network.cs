using System.Text.Json.Serialization;

namespace Ganeti.Core.Config;

/// <summary>An IP network managed by the cluster (address pool, gateway).</summary>
public sealed class Network : NamedConfigObject
{
    [JsonPropertyName("network")]
    public string Network4 { get; set; } = "";
    public string? Gateway { get; set; }
    public string? Network6 { get; set; }
    public string? Gateway6 { get; set; }
    public string? MacPrefix { get; set; }
    /// <summary>Bitmap of reserved addresses, one char per address ('1' used, '0' free).</summary>
    public string Reservations { get; set; } = "";
    public string ExtReservations { get; set; } = "";
}
