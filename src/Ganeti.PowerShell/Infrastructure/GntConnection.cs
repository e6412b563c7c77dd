using Ganeti.Remoting.Rapi;
using Ganeti.Remoting.Rapi.Tls;

namespace Ganeti.PowerShell.Infrastructure;

/// <summary>A connection to one cluster's master, made by Connect-GntCluster.</summary>
public sealed class GntConnection : IDisposable
{
    internal GntConnection(RapiClient client, string clusterName, string? master, int rapiVersion)
    {
        Client = client;
        ClusterName = clusterName;
        Master = master;
        RapiVersion = rapiVersion;
        ConnectedAt = DateTime.Now;
    }

    public string ClusterName { get; }
    public string Server => Client.Options.Host;
    public int Port => Client.Options.Port;
    /// <summary>The master node as the cluster names it.</summary>
    public string? Master { get; }
    public string? UserName => Client.Options.UserName;
    public RapiTlsMode TlsMode => Client.Options.TlsMode;
    /// <summary>SHA-256 of the master's certificate as seen when connecting.</summary>
    public string? CertificateThumbprint => Client.CertificateValidator?.LastPresentedThumbprint;
    public int RapiVersion { get; }
    public DateTime ConnectedAt { get; }
    public Uri Uri => Client.Options.BaseUri;
    public bool IsOpen => !_disposed;

    internal RapiClient Client { get; }
    internal CompletionCache Cache { get; } = new(TimeSpan.FromSeconds(30));

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Client.Dispose();
    }

    public override string ToString() => $"{ClusterName} ({Server}:{Port})";
}
