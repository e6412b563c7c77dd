using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ganeti.Master.Rapi;

namespace Ganeti.Master.Tests.Rapi;

/// <summary>A real RAPI server over HTTPS on a free loopback port, with a fake master and known users.</summary>
public sealed class RapiTestServer : IAsyncDisposable
{
    public const string WriterName = "admin";
    public const string WriterPassword = "s3cret";
    public const string ReaderName = "viewer";
    public const string ReaderPassword = "look";
    public const string NoRightsName = "nobody";
    public const string NoRightsPassword = "nothing";

    private RapiTestServer(string directory, FakeMasterService master, RapiServer server, HttpClient client)
    {
        Directory = directory;
        Master = master;
        Server = server;
        Client = client;
    }

    public string Directory { get; }
    public FakeMasterService Master { get; }
    public RapiServer Server { get; }
    public HttpClient Client { get; }
    public string UsersFile => Path.Combine(Directory, "users");
    public string CertificateFile => Path.Combine(Directory, "rapi.pem");
    public int Port => Server.Port;

    public static async Task<RapiTestServer> StartAsync(Action<RapiServerOptions>? configure = null, FakeMasterService? master = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "rapi-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        var cert = TestCertificate.WritePem(dir);
        var users = Path.Combine(dir, "users");
        File.WriteAllText(users,
            "# RAPI users\n" +
            $"{WriterName} {{HA1}}{RapiUsers.Ha1(WriterName, WriterPassword)} write\n" +
            $"{ReaderName} {{cleartext}}{ReaderPassword} read\n" +
            $"{NoRightsName} {NoRightsPassword}\n");
        var options = new RapiServerOptions
        {
            BindAddress = IPAddress.Loopback,
            Port = 0,
            CertificateFile = cert,
            UsersFile = users,
            ReloadUsersOnSighup = false,
            JobWaitTimeout = TimeSpan.FromMilliseconds(300),
            OsDiagnoseTimeout = TimeSpan.FromSeconds(5),
        };
        configure?.Invoke(options);
        master ??= new FakeMasterService();
        var server = new RapiServer(master, options);
        await server.StartAsync();
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{server.Port}") };
        return new RapiTestServer(dir, master, server, client);
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public static AuthenticationHeaderValue Writer => Basic(WriterName, WriterPassword);
    public static AuthenticationHeaderValue Reader => Basic(ReaderName, ReaderPassword);

    /// <summary>Sends a request; <paramref name="body"/> is sent as JSON unless it is raw text.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> SendAsync(
        string method, string path, object? body = null, AuthenticationHeaderValue? auth = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Authorization = auth;
        if (body is not null)
        {
            var text = body switch
            {
                string s => s,
                JsonNode n => n.ToJsonString(),
                _ => System.Text.Json.JsonSerializer.Serialize(body),
            };
            request.Content = new StringContent(text, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType.Length == 0 ? null : MediaTypeHeaderValue.Parse(contentType);
        }
        var response = await Client.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, raw.Length == 0 ? null : JsonNode.Parse(raw), response);
    }

    public Task<(HttpStatusCode Status, JsonNode? Json, HttpResponseMessage Response)> GetAsync(string path, AuthenticationHeaderValue? auth = null) =>
        SendAsync("GET", path, null, auth);

    /// <summary>The only opcode of the last submitted job.</summary>
    public JsonObject LastOp()
    {
        Assert.NotEmpty(Master.Submitted);
        var job = Master.Submitted[^1];
        Assert.Single(job);
        return job[0];
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}
