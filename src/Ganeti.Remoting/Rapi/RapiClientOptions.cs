using Ganeti.Remoting.Rapi.Tls;

namespace Ganeti.Remoting.Rapi;

/// <summary>Where and how to reach a master's RAPI.</summary>
public sealed record RapiClientOptions
{
    /// <summary>Ganeti's default RAPI port.</summary>
    public const int DefaultPort = 5080;

    public required string Host { get; init; }
    public int Port { get; init; } = DefaultPort;
    public string? UserName { get; init; }
    public string? Password { get; init; }
    public RapiTlsMode TlsMode { get; init; } = RapiTlsMode.TrustOnFirstUse;
    /// <summary>Required with <see cref="RapiTlsMode.Thumbprint"/>: SHA-256 (or SHA-1) hex.</summary>
    public string? CertificateThumbprint { get; init; }
    /// <summary>The trust-on-first-use file; null means <see cref="ThumbprintStore.DefaultPath"/>.</summary>
    public string? KnownHostsPath { get; init; }
    /// <summary>Per-request time limit; long polls add the server's own wait on top.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public Uri BaseUri => new UriBuilder(Uri.UriSchemeHttps, Host, Port).Uri;

    /// <summary>Parses "host", "host:port", "[v6]:port" or an https:// URL.</summary>
    public static (string Host, int? Port) ParseServer(string server)
    {
        var s = server.Trim();
        if (s.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            var u = new Uri(s);
            return (u.Host.Trim('[', ']'), u.IsDefaultPort ? null : u.Port);
        }
        if (s.StartsWith('['))
        {
            var close = s.IndexOf(']');
            if (close > 0)
            {
                var host = s[1..close];
                var rest = s[(close + 1)..];
                return rest.StartsWith(':') && int.TryParse(rest[1..], out var p6) ? (host, p6) : (host, null);
            }
        }
        var colon = s.LastIndexOf(':');
        if (colon > 0 && s.IndexOf(':') == colon && int.TryParse(s[(colon + 1)..], out var port))
            return (s[..colon], port);
        return (s, null);
    }
}
