using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ganeti.Remoting.Tests.Rapi;

/// <summary>A request as the fake master saw it.</summary>
public sealed record SeenRequest(string Method, string Path, string Query, string Body, string? Authorization, string? ContentType);

/// <summary>
/// A tiny HTTPS server on 127.0.0.1 with a fresh self-signed certificate, answering through a
/// function each test supplies. It stands in for a master so the client is tested over real TLS.
/// </summary>
public sealed class FakeRapiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<SeenRequest> _seen = [];

    private FakeRapiServer(WebApplication app, X509Certificate2 cert)
    {
        _app = app;
        Certificate = cert;
    }

    public X509Certificate2 Certificate { get; }
    public int Port { get; private set; }
    public Func<SeenRequest, (int Status, string Body)> Handler { get; set; } = _ => (404, """{"code":404,"message":"Not Found","explain":"Nothing matches the given URI"}""");

    public IReadOnlyList<SeenRequest> Seen { get { lock (_seen) return _seen.ToList(); } }

    public string Sha256 => Convert.ToHexString(SHA256.HashData(Certificate.RawData));

    public static async Task<FakeRapiServer> StartAsync(X509Certificate2? cert = null)
    {
        cert ??= CreateCertificate("ganeti.example.com");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(cert)));
        var app = builder.Build();
        FakeRapiServer? server = null;
        app.Run(async ctx =>
        {
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var seen = new SeenRequest(ctx.Request.Method, ctx.Request.Path.Value ?? "", ctx.Request.QueryString.Value ?? "", body,
                ctx.Request.Headers.Authorization.FirstOrDefault(), ctx.Request.ContentType);
            lock (server!._seen) server._seen.Add(seen);
            var (status, text) = server.Handler(seen);
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(text);
        });
        server = new FakeRapiServer(app, cert);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Port = new Uri(address).Port;
        return server;
    }

    public static X509Certificate2 CreateCertificate(string name)
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
