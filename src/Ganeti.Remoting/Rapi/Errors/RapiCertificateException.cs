namespace Ganeti.Remoting.Rapi.Errors;

/// <summary>
/// The master presented a certificate we do not trust: it differs from the stored or the
/// given thumbprint. Nothing was sent after the handshake.
/// </summary>
public sealed class RapiCertificateException : RapiException
{
    public RapiCertificateException(string message, string? presentedThumbprint, string? expectedThumbprint, Exception? inner = null)
        : base(RapiErrorKind.CertificateUntrusted, message, inner)
    {
        PresentedThumbprint = presentedThumbprint;
        ExpectedThumbprint = expectedThumbprint;
    }

    /// <summary>SHA-256 of the certificate the server sent, upper-case hex.</summary>
    public string? PresentedThumbprint { get; }

    /// <summary>The thumbprint we expected (given or stored), or null.</summary>
    public string? ExpectedThumbprint { get; }
}
