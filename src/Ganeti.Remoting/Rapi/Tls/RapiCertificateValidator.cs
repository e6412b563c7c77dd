using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ganeti.Remoting.Rapi.Tls;

/// <summary>
/// Decides whether to trust the certificate a master presents. Ganeti clusters use a
/// self-signed rapi.pem, so system trust rarely applies: the usual answers are a pinned
/// thumbprint or trust on first use. The last decision is kept so that a refused handshake
/// can be reported with the thumbprint that was seen.
/// </summary>
public sealed class RapiCertificateValidator
{
    private readonly RapiTlsMode _mode;
    private readonly string? _expected;
    private readonly ThumbprintStore? _store;
    private readonly string _host;
    private readonly int _port;

    public RapiCertificateValidator(RapiTlsMode mode, string host, int port, string? thumbprint, ThumbprintStore? store)
    {
        _mode = mode;
        _host = host;
        _port = port;
        _expected = thumbprint is null ? null : Normalize(thumbprint);
        _store = store;
        if (mode == RapiTlsMode.Thumbprint && string.IsNullOrEmpty(_expected))
            throw new ArgumentException("A certificate thumbprint is required", nameof(thumbprint));
    }

    /// <summary>SHA-256 of the last certificate presented, upper-case hex.</summary>
    public string? LastPresentedThumbprint { get; private set; }

    /// <summary>What the last refused certificate was expected to be (stored or given thumbprint).</summary>
    public string? LastExpectedThumbprint { get; private set; }

    /// <summary>Why the last certificate was refused, null if it was accepted.</summary>
    public string? LastRejection { get; private set; }

    /// <summary>Set when this client stored a thumbprint on first use; the caller should tell the user.</summary>
    public string? TrustedOnFirstUse { get; private set; }

    public bool Validate(X509Certificate? certificate, SslPolicyErrors errors)
    {
        LastRejection = null;
        LastExpectedThumbprint = null;
        if (certificate is null)
        {
            LastRejection = "the master presented no certificate";
            return _mode == RapiTlsMode.SkipCheck;
        }
        var presented = Sha256(certificate);
        LastPresentedThumbprint = presented;
        switch (_mode)
        {
            case RapiTlsMode.SkipCheck:
                return true;
            case RapiTlsMode.Thumbprint:
                if (Matches(certificate, presented, _expected!))
                    return true;
                LastExpectedThumbprint = _expected;
                LastRejection = "its thumbprint differs from the one given";
                return false;
            default:
                var stored = _store?.Find(_host, _port);
                if (stored is not null)
                {
                    if (Matches(certificate, presented, stored))
                        return true;
                    LastExpectedThumbprint = stored;
                    LastRejection = $"it differs from the certificate trusted earlier (stored in {_store!.Path}); " +
                                    "the cluster certificate was renewed, or someone is intercepting the connection";
                    return false;
                }
                if (errors == SslPolicyErrors.None)
                    return true;
                _store?.Save(_host, _port, presented);
                TrustedOnFirstUse = presented;
                return true;
        }
    }

    public static string Sha256(X509Certificate certificate) =>
        Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));

    /// <summary>Accepts SHA-256 (64 hex digits) or, as Windows shows them, SHA-1 (40) thumbprints.</summary>
    private static bool Matches(X509Certificate certificate, string sha256, string expected)
    {
        if (expected.Length == 40)
            return string.Equals(Convert.ToHexString(SHA1.HashData(certificate.GetRawCertData())), expected, StringComparison.OrdinalIgnoreCase);
        return string.Equals(sha256, expected, StringComparison.OrdinalIgnoreCase);
    }

    public static string Normalize(string thumbprint) =>
        new string(thumbprint.Where(Uri.IsHexDigit).ToArray()).ToUpperInvariant();
}
