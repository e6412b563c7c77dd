using System.Net;
using System.Net.Sockets;
using System.Text;
using Ganeti.Remoting.Rapi;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Model;
using Ganeti.Remoting.Rapi.Tls;

namespace Ganeti.Remoting.Tests.Rapi;

public sealed class RapiClientTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gnt-rapi-").FullName;

    private string KnownHosts => Path.Combine(_dir, "known_hosts");

    private RapiClient Client(FakeRapiServer server, RapiTlsMode mode = RapiTlsMode.TrustOnFirstUse, string? thumbprint = null,
        string? user = null, string? password = null) =>
        new(new RapiClientOptions
        {
            Host = "127.0.0.1", Port = server.Port, TlsMode = mode, CertificateThumbprint = thumbprint,
            KnownHostsPath = KnownHosts, UserName = user, Password = password, Timeout = TimeSpan.FromSeconds(10),
        });

    [Fact]
    public async Task Trust_on_first_use_stores_the_thumbprint_and_refuses_a_different_certificate_later()
    {
        await using (var first = await FakeRapiServer.StartAsync())
        {
            first.Handler = _ => (200, "2");
            using var client = Client(first);
            Assert.Equal(2, await client.GetVersionAsync());
            Assert.Equal(first.Sha256, client.CertificateValidator!.TrustedOnFirstUse);
            Assert.Contains(first.Sha256, await File.ReadAllTextAsync(KnownHosts));
            using var again = Client(first);
            Assert.Equal(2, await again.GetVersionAsync());
            Assert.Null(again.CertificateValidator!.TrustedOnFirstUse);
        }

        // Same host and port, another certificate: an impostor, or a renewed cluster certificate.
        var port = new Uri($"https://127.0.0.1:{(await File.ReadAllLinesAsync(KnownHosts))[0].Split(' ')[0].Split(':')[1]}").Port;
        var store = new ThumbprintStore(KnownHosts);
        await using var second = await FakeRapiServer.StartAsync();
        store.Save("127.0.0.1", second.Port, store.Find("127.0.0.1", port)!);
        second.Handler = _ => (200, "2");
        using var client2 = Client(second);
        var ex = await Assert.ThrowsAsync<RapiCertificateException>(() => client2.GetVersionAsync());
        Assert.Equal(RapiErrorKind.CertificateUntrusted, ex.Kind);
        Assert.Equal(second.Sha256, ex.PresentedThumbprint);
        Assert.Contains("trusted earlier", ex.Message);
        Assert.Empty(second.Seen);
    }

    [Fact]
    public async Task Explicit_thumbprint_is_enforced_and_skip_check_accepts_anything()
    {
        await using var server = await FakeRapiServer.StartAsync();
        server.Handler = _ => (200, "2");
        using (var good = Client(server, RapiTlsMode.Thumbprint, server.Sha256.ToLowerInvariant()))
            Assert.Equal(2, await good.GetVersionAsync());
        using (var bad = Client(server, RapiTlsMode.Thumbprint, new string('A', 64)))
        {
            var ex = await Assert.ThrowsAsync<RapiCertificateException>(() => bad.GetVersionAsync());
            Assert.Equal(new string('A', 64), ex.ExpectedThumbprint);
        }
        using (var skip = Client(server, RapiTlsMode.SkipCheck))
            Assert.Equal(2, await skip.GetVersionAsync());
        Assert.False(File.Exists(KnownHosts));
    }

    [Fact]
    public async Task Connection_refused_is_a_clear_connection_error()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new RapiClient(new RapiClientOptions { Host = "127.0.0.1", Port = port, TlsMode = RapiTlsMode.SkipCheck });
        var ex = await Assert.ThrowsAsync<RapiConnectionException>(() => client.GetVersionAsync());
        Assert.Equal(RapiErrorKind.ConnectionFailed, ex.Kind);
        Assert.Contains("refused", ex.Message);
        Assert.Equal($"127.0.0.1:{port}", ex.Endpoint);
    }

    [Fact]
    public async Task Basic_auth_is_sent_and_401_is_an_authentication_error()
    {
        await using var server = await FakeRapiServer.StartAsync();
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:secret"));
        server.Handler = r => r.Authorization == expected ? (200, "17") : (401, """{"code":401,"message":"Unauthorized","explain":"No permission"}""");
        using (var ok = Client(server, RapiTlsMode.SkipCheck, user: "admin", password: "secret"))
            Assert.Equal(17, await ok.StartupInstanceAsync("web1"));
        var seen = server.Seen.Last();
        Assert.Equal("PUT", seen.Method);
        Assert.Equal("/2/instances/web1/startup", seen.Path);
        using var wrong = Client(server, RapiTlsMode.SkipCheck, user: "admin", password: "nope");
        var ex = await Assert.ThrowsAsync<RapiAuthenticationException>(() => wrong.StartupInstanceAsync("web1"));
        Assert.Equal(RapiErrorKind.AuthenticationFailed, ex.Kind);
        Assert.Equal("admin", ex.UserName);
    }

    [Fact]
    public async Task Bodies_are_sent_as_application_json()
    {
        await using var server = await FakeRapiServer.StartAsync();
        server.Handler = _ => (200, "\"23\"");
        using var client = Client(server, RapiTlsMode.SkipCheck);
        Assert.Equal(23, await client.RenameInstanceAsync("web1", "web2"));
        var seen = server.Seen.Single();
        Assert.StartsWith("application/json", seen.ContentType);
        Assert.Equal("""{"new_name":"web2"}""", seen.Body);
    }

    [Fact]
    public async Task Non_JSON_answers_are_protocol_errors()
    {
        var stub = new StubHandler { Respond = (_, _) => (HttpStatusCode.OK, "<html>hello</html>") };
        using var client = new RapiClient(new RapiClientOptions { Host = "h" }, stub);
        var ex = await Assert.ThrowsAsync<RapiException>(() => client.GetInfoAsyncShim());
        Assert.Equal(RapiErrorKind.Protocol, ex.Kind);
    }

    [Fact]
    public async Task Listings_read_id_or_name_and_bulk_objects()
    {
        var stub = new StubHandler
        {
            Respond = (req, _) => req.RequestUri!.PathAndQuery switch
            {
                "/2/instances" => (HttpStatusCode.OK, """[{"id":"a","uri":"/2/instances/a"},{"name":"b","uri":"/2/instances/b"}]"""),
                "/2/jobs" => (HttpStatusCode.OK, """[{"id":"3","uri":"/2/jobs/3"},{"id":4,"uri":"/2/jobs/4"}]"""),
                "/2/nodes?bulk=1" => (HttpStatusCode.OK, """[{"name":"n1","role":"M"}]"""),
                "/2/os" => (HttpStatusCode.OK, """["noop","debootstrap+default"]"""),
                "/2/jobs/5" => (HttpStatusCode.OK, """[true,"Job 5 will be canceled"]"""),
                "/2/tags" => (HttpStatusCode.OK, """["x","y"]"""),
                _ => (HttpStatusCode.NotFound, """{"code":404,"message":"Not Found","explain":""}"""),
            },
        };
        using var client = new RapiClient(new RapiClientOptions { Host = "h" }, stub);
        Assert.Equal(["a", "b"], await client.GetInstanceNamesAsync());
        Assert.Equal([3L, 4L], await client.GetJobIdsAsync());
        Assert.Equal("master", (await client.GetNodesAsync()).Single().Role);
        Assert.Equal(["noop", "debootstrap+default"], (await client.GetOperatingSystemsAsync()).Select(o => o.Name));
        Assert.Equal((true, "Job 5 will be canceled"), await client.CancelJobAsync(5));
        Assert.Equal(["x", "y"], await client.GetTagsAsync(GntTagKind.Cluster, null));
        var nf = await Assert.ThrowsAsync<RapiException>(() => client.GetInstanceAsync("zz"));
        Assert.Equal(RapiErrorKind.NotFound, nf.Kind);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}

internal static class ClientShims
{
    public static Task<GntCluster> GetInfoAsyncShim(this RapiClient c) => c.GetClusterAsync();
}

public sealed class JobWaiterOverTlsTests
{
    [Fact]
    public async Task The_long_poll_body_travels_with_GET_over_real_HTTPS()
    {
        await using var server = await FakeRapiServer.StartAsync();
        var polls = 0;
        server.Handler = r => (r.Method, r.Path) switch
        {
            ("GET", "/2/jobs/3/wait") when r.Body.Contains("\"fields\":[\"status\"]") =>
                Interlocked.Increment(ref polls) == 1
                    ? (200, """{"job_info":["running"],"log_entries":[[1,[1,0],"message","creating disks"]]}""")
                    : (200, """{"job_info":["success"],"log_entries":[[2,[2,0],"message","done"]]}"""),
            ("GET", "/2/jobs/3") => (200, """{"id":3,"status":"success","opstatus":["success"],"opresult":[["node1"]],"oplog":[[[1,[1,0],"message","creating disks"],[2,[2,0],"message","done"]]]}"""),
            _ => (400, """{"code":400,"message":"unexpected","explain":""}"""),
        };
        using var client = new RapiClient(new RapiClientOptions { Host = "127.0.0.1", Port = server.Port, TlsMode = Ganeti.Remoting.Rapi.Tls.RapiTlsMode.SkipCheck });
        var lines = new List<string>();
        var job = await new Ganeti.Remoting.Rapi.Jobs.JobWaiter(client).WaitAsync(3, new LineCollector(lines));
        Assert.Equal("success", job.Status);
        Assert.Equal(["creating disks", "done"], lines);
        Assert.Equal(2, polls);
        Assert.Contains(server.Seen, r => r.Body.Contains("\"previous_job_info\":[\"running\"]") && r.Body.Contains("\"previous_log_serial\":1"));
    }

    private sealed class LineCollector(List<string> lines) : Ganeti.Remoting.Rapi.Jobs.IJobWaitObserver
    {
        public void OnLog(GntJobLogEntry entry) => lines.Add(entry.Message);
        public void OnStatus(long jobId, string status) { }
    }
}
