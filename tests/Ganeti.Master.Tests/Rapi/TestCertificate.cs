using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ganeti.Master.Tests.Rapi;

/// <summary>Self-signed certificates for test servers, written as PEM like Ganeti's rapi.pem.</summary>
public static class TestCertificate
{
    /// <summary>Writes key and certificate into one PEM file and returns its path.</summary>
    public static string WritePem(string directory, string hostName = "localhost")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostName);
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(directory, "rapi.pem");
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem() + "\n" + cert.ExportCertificatePem() + "\n");
        return path;
    }
}
