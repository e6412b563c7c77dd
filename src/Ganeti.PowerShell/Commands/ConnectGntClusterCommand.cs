using System.Management.Automation;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Tls;

namespace Ganeti.PowerShell.Commands;

/// <summary>Connects to a Ganeti cluster's master over RAPI (Ganeti's Remote API) and makes it the default connection.</summary>
[Cmdlet(VerbsCommunications.Connect, "GntCluster", DefaultParameterSetName = TrustOnFirstUseSet)]
[OutputType(typeof(GntConnection))]
public sealed class ConnectGntClusterCommand : GntCmdletBase
{
    private const string TrustOnFirstUseSet = "TrustOnFirstUse";
    private const string ThumbprintSet = "Thumbprint";
    private const string SkipCheckSet = "SkipCertificateCheck";

    /// <summary>The master: host, host:port or https://host:port.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("ComputerName", "Master")]
    public string Server { get; set; } = "";

    /// <summary>The RAPI port; default 5080, or the port given in -Server.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary>A RAPI user from the master's rapi/users file; needed for anything that changes the cluster.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Trust exactly the certificate with this SHA-256 (or SHA-1) thumbprint.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
    [ValidateNotNullOrEmpty]
    public string? CertificateThumbprint { get; set; }

    /// <summary>Trust any certificate. For labs only.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SkipCheckSet)]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Seconds to wait for each answer; default 60.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSeconds { get; set; } = 60;

    protected override void EndProcessing()
    {
        var (host, port) = RapiClientOptions.ParseServer(Server);
        var cred = Credential?.GetNetworkCredential();
        var options = new RapiClientOptions
        {
            Host = host,
            Port = Port != 0 ? Port : port ?? RapiClientOptions.DefaultPort,
            UserName = string.IsNullOrEmpty(cred?.UserName) ? null : cred.UserName,
            Password = cred?.Password,
            TlsMode = ParameterSetName switch
            {
                ThumbprintSet => RapiTlsMode.Thumbprint,
                SkipCheckSet => RapiTlsMode.SkipCheck,
                _ => RapiTlsMode.TrustOnFirstUse,
            },
            CertificateThumbprint = CertificateThumbprint,
            Timeout = TimeSpan.FromSeconds(TimeoutSeconds),
        };
        var client = new RapiClient(options);
        try
        {
            var (version, cluster) = Run(async ct =>
            {
                var v = await client.GetVersionAsync(ct).ConfigureAwait(false);
                var c = await client.GetClusterAsync(ct).ConfigureAwait(false);
                if (options.UserName is not null)
                    await CheckCredentialsAsync(client, ct).ConfigureAwait(false);
                return (v, c);
            });
            if (client.CertificateValidator?.TrustedOnFirstUse is { } tp)
                WriteWarning($"Trusting the certificate of {options.Host}:{options.Port} on first use (SHA-256 {tp}); " +
                             $"stored in {ThumbprintStore.DefaultPath()}. Compare it with the master's rapi.pem.");
            if (options.TlsMode == RapiTlsMode.SkipCheck)
                WriteWarning("The master's certificate is not checked: anyone on the path can read the password and change requests.");
            var connection = new GntConnection(client, cluster.Name, cluster.Master, version);
            var old = GntSession.Default;
            GntSession.Default = connection;
            if (old is not null)
                WriteVerbose($"Replacing the default connection to {old}.");
            WriteObject(connection);
        }
        catch (PipelineStoppedException)
        {
            client.Dispose();
            throw;
        }
        catch (Exception ex)
        {
            client.Dispose();
            WriteFailure(ex, Server);
        }
    }

    /// <summary>
    /// GET needs no authentication in Ganeti, so a wrong password would only show at the first
    /// change. Asking to wait on job 0 needs the write right: 401 means refused credentials,
    /// 403 a read-only user, anything else (404, 400) means the credentials were accepted.
    /// </summary>
    private async Task CheckCredentialsAsync(RapiClient client, CancellationToken ct)
    {
        try
        {
            await client.WaitForJobChangeAsync(0, RapiRequests.WaitFields, null, null, ct).ConfigureAwait(false);
        }
        catch (RapiAuthenticationException ex) when (ex.Kind == RapiErrorKind.Forbidden)
        {
            Post(() => WriteWarning($"User '{client.Options.UserName}' has read-only access: commands that change the cluster will be refused."));
        }
        catch (RapiException ex) when (ex is not RapiAuthenticationException && ex is not RapiConnectionException && ex is not RapiCertificateException)
        {
            // 404 for the job that does not exist (or 400): the credentials were accepted.
        }
    }
}
