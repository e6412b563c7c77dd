namespace Ganeti.Remoting.Rapi.Tls;

/// <summary>How the client decides to trust the master's certificate.</summary>
public enum RapiTlsMode
{
    /// <summary>
    /// Trust a certificate the system already trusts; otherwise trust the first certificate a
    /// host:port presents, store its SHA-256 thumbprint, and refuse any other one afterwards.
    /// </summary>
    TrustOnFirstUse,
    /// <summary>Trust exactly the certificate with the given thumbprint.</summary>
    Thumbprint,
    /// <summary>Trust any certificate. For labs only: the traffic can be intercepted.</summary>
    SkipCheck,
}
