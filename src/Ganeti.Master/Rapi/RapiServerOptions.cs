using System.Net;

namespace Ganeti.Master.Rapi;

/// <summary>How the RAPI server listens and whom it lets in. Defaults follow ganeti-rapi's.</summary>
public sealed class RapiServerOptions
{
    /// <summary>Ganeti's RAPI port.</summary>
    public const int DefaultPort = 5080;

    /// <summary>Address to bind; <see cref="IPAddress.Any"/> by default, like ganeti-rapi's -b.</summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Any;

    /// <summary>TCP port; 0 picks a free one (see <see cref="RapiServer.Port"/> after start).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>PEM file with the certificate (and, as Ganeti's rapi.pem, usually the key too).</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM file with the private key when it is not in <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Serve plain HTTP instead of HTTPS (ganeti-rapi's --no-ssl); for tests and debugging only.</summary>
    public bool NoSsl { get; set; }

    /// <summary>The users file (var/lib/ganeti/rapi/users).</summary>
    public string? UsersFile { get; set; }

    /// <summary>Every request must authenticate, GET included (--require-authentication).</summary>
    public bool RequireAuthentication { get; set; }

    /// <summary>Reload the users file on SIGHUP, as ganeti-rapi does.</summary>
    public bool ReloadUsersOnSighup { get; set; } = true;

    /// <summary>Largest request body accepted; bigger ones get 413.</summary>
    public long MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>Simultaneous connections; null for no limit (ganeti-rapi's --max-clients).</summary>
    public long? MaxConnections { get; set; }

    /// <summary>How long /2/jobs/N/wait waits for a change before answering "no change" (Ganeti: 10 s).</summary>
    public TimeSpan JobWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long /2/os waits for its OS-diagnose job before giving up with 504.</summary>
    public TimeSpan OsDiagnoseTimeout { get; set; } = TimeSpan.FromSeconds(120);
}
