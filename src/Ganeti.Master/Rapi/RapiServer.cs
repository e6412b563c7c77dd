using System.Net;
using System.Security.Cryptography.X509Certificates;
using Ganeti.Master.Rapi.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ganeti.Master.Rapi;

/// <summary>
/// Ganeti's Remote API v2 over HTTPS, served by a bare Kestrel (no MVC, no routing
/// middleware, no configuration providers): every request goes to
/// <see cref="RapiRequestHandler"/>, which routes it through <see cref="RapiRouteTable"/>.
/// <code>
/// var server = new RapiServer(master, new RapiServerOptions { Port = 5080,
///     CertificateFile = paths.RapiCert, UsersFile = paths.RapiUsers });
/// await server.StartAsync(ct);  ...  await server.StopAsync(ct);
/// </code>
/// </summary>
public sealed class RapiServer : IAsyncDisposable
{
    private readonly IMasterService _master;
    private readonly RapiServerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly bool _ownsUsers;
    private WebApplication? _app;

    public RapiServer(IMasterService master, RapiServerOptions options, RapiUsers? users = null,
        ILoggerFactory? loggerFactory = null)
    {
        _master = master;
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        var log = _loggerFactory.CreateLogger<RapiServer>();
        _ownsUsers = users is null;
        Users = users ?? new RapiUsers(options.UsersFile, m => log.LogWarning("{Message}", m));
        Routes = RapiResources.Build();
    }

    /// <summary>The users in force; reloaded on change of the file and on SIGHUP.</summary>
    public RapiUsers Users { get; }

    public RapiRouteTable Routes { get; }

    /// <summary>The port actually bound (useful with port 0).</summary>
    public int Port { get; private set; }

    public bool IsRunning => _app is not null;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_app is not null) throw new InvalidOperationException("The RAPI server is already running");
        var certificate = _options.NoSsl ? null : LoadCertificate(_options);

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(_loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = _options.MaxRequestBodySize;
            k.Limits.MaxConcurrentConnections = _options.MaxConnections;
            k.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30);
            k.Listen(_options.BindAddress, _options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (certificate is not null)
                    listen.UseHttps(certificate);
            });
        });

        var app = builder.Build();
        var handler = new RapiRequestHandler(Routes, _master, Users, _options, _loggerFactory.CreateLogger<RapiRequestHandler>());
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Port = address is not null && Uri.TryCreate(address.Replace("[::]", "localhost").Replace("0.0.0.0", "localhost"), UriKind.Absolute, out var uri)
            ? uri.Port
            : _options.Port;
        Users.Watch(_options.ReloadUsersOnSighup);
        _app = app;
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        var app = _app;
        if (app is null) return;
        _app = null;
        await app.StopAsync(cancellationToken);
        await app.DisposeAsync();
    }

    /// <summary>Reads the certificate and key from PEM, the key from the same file unless a key file is set.</summary>
    public static X509Certificate2 LoadCertificate(RapiServerOptions options)
    {
        if (string.IsNullOrEmpty(options.CertificateFile))
            throw new InvalidOperationException("The RAPI server needs a certificate file (or NoSsl)");
        if (!File.Exists(options.CertificateFile))
            throw new FileNotFoundException($"RAPI certificate file {options.CertificateFile} does not exist", options.CertificateFile);
        using var pem = X509Certificate2.CreateFromPemFile(options.CertificateFile, options.KeyFile);
        // Round-trip through PKCS#12 so the key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_ownsUsers) Users.Dispose();
    }
}
