using System.Net;
using System.Net.Http.Headers;

namespace Ganeti.Master.Tests.Rapi;

public sealed class RapiAuthTests(RapiFixture fixture) : IClassFixture<RapiFixture>
{
    private RapiTestServer S => fixture.Server;

    private static AuthenticationHeaderValue? Who(string who) => who switch
    {
        "anonymous" => null,
        "writer" => RapiTestServer.Writer,
        "reader" => RapiTestServer.Reader,
        "norights" => RapiTestServer.Basic(RapiTestServer.NoRightsName, RapiTestServer.NoRightsPassword),
        "badpassword" => RapiTestServer.Basic(RapiTestServer.WriterName, "wrong"),
        "unknownuser" => RapiTestServer.Basic("mallory", "x"),
        _ => throw new ArgumentException(who),
    };

    [Theory]
    // GET is open, but credentials that are sent must be right
    [InlineData("GET", "/2/instances", "anonymous", 200)]
    [InlineData("GET", "/2/instances", "reader", 200)]
    [InlineData("GET", "/2/instances", "norights", 200)]
    [InlineData("GET", "/2/instances", "badpassword", 401)]
    [InlineData("GET", "/2/instances", "unknownuser", 401)]
    // writes need write
    [InlineData("PUT", "/2/instances/web1.example.com/startup", "anonymous", 401)]
    [InlineData("PUT", "/2/instances/web1.example.com/startup", "reader", 403)]
    [InlineData("PUT", "/2/instances/web1.example.com/startup", "norights", 403)]
    [InlineData("PUT", "/2/instances/web1.example.com/startup", "badpassword", 401)]
    [InlineData("PUT", "/2/instances/web1.example.com/startup", "writer", 200)]
    [InlineData("DELETE", "/2/instances/web1.example.com", "reader", 403)]
    [InlineData("POST", "/2/instances/web1.example.com/reboot", "anonymous", 401)]
    [InlineData("POST", "/2/jobs", "reader", 403)]
    // GETs that need write
    [InlineData("GET", "/2/jobs/1/wait", "anonymous", 401)]
    [InlineData("GET", "/2/jobs/1/wait", "reader", 403)]
    [InlineData("GET", "/2/nodes/node1.example.com/storage?output_fields=name", "anonymous", 401)]
    [InlineData("GET", "/2/nodes/node1.example.com/storage?output_fields=name", "reader", 403)]
    [InlineData("GET", "/2/nodes/node1.example.com/storage?output_fields=name", "writer", 200)]
    // GETs that need read or write
    [InlineData("GET", "/2/instances/web1.example.com/console", "anonymous", 401)]
    [InlineData("GET", "/2/instances/web1.example.com/console", "norights", 403)]
    [InlineData("GET", "/2/instances/web1.example.com/console", "reader", 200)]
    [InlineData("GET", "/2/instances/web1.example.com/console", "writer", 200)]
    [InlineData("GET", "/2/query/instance?fields=name", "anonymous", 401)]
    [InlineData("GET", "/2/query/instance?fields=name", "norights", 403)]
    [InlineData("GET", "/2/query/instance?fields=name", "reader", 200)]
    [InlineData("PUT", "/2/query/instance?fields=name", "reader", 200)]
    [InlineData("GET", "/2/query/instance/fields", "anonymous", 200)]
    public async Task Access_follows_ganeti_rules(string method, string path, string who, int expected)
    {
        var before = S.Master.Submitted.Count;
        if (path.StartsWith("/2/jobs/1/", StringComparison.Ordinal) && S.Master.GetJob(1) is null)
            S.Master.AddJob();
        var body = method == "PUT" && path.StartsWith("/2/query", StringComparison.Ordinal) ? "{}"
            : path.EndsWith("/wait", StringComparison.Ordinal) ? """{"fields":["status"]}"""
            : path == "/2/jobs" ? """[{"OP_ID":"OP_TEST_DELAY"}]""" : null;
        var (status, json, response) = await S.SendAsync(method, path, body, Who(who));
        Assert.True(expected == (int)status, $"{method} {path} as {who}: {(int)status} {json?.ToJsonString()}");
        if (expected == 401)
        {
            Assert.Equal("Basic realm=\"Ganeti Remote API\"", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal(401, json!["code"]!.GetValue<int>());
            Assert.Equal("Unauthorized", json["message"]!.GetValue<string>());
        }
        if (expected == 403)
            Assert.Equal("Forbidden", json!["message"]!.GetValue<string>());
        if (expected >= 400)
            Assert.Equal(before, S.Master.Submitted.Count);
    }

    [Fact]
    public async Task Basic_without_credentials_is_a_bad_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/2/instances");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic");
        var response = await S.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Unsupported_scheme_is_unauthorized()
    {
        var (status, _, _) = await S.SendAsync("PUT", "/2/redistribute-config", null, new AuthenticationHeaderValue("Bearer", "abc"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Garbage_basic_credentials_are_unauthorized()
    {
        var (status, _, _) = await S.SendAsync("PUT", "/2/redistribute-config", null, new AuthenticationHeaderValue("Basic", "!!notbase64!!"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }
}

public sealed class RapiRequireAuthenticationTests : IAsyncLifetime
{
    private RapiTestServer _s = null!;

    public async Task InitializeAsync() => _s = await RapiTestServer.StartAsync(o => o.RequireAuthentication = true);

    public async Task DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task Every_request_needs_a_valid_user()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _s.GetAsync("/version")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _s.GetAsync("/2/instances")).Status);
        Assert.Equal(HttpStatusCode.OK, (await _s.GetAsync("/2/instances", RapiTestServer.Reader)).Status);
        var noRights = RapiTestServer.Basic(RapiTestServer.NoRightsName, RapiTestServer.NoRightsPassword);
        Assert.Equal(HttpStatusCode.OK, (await _s.GetAsync("/version", noRights)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await _s.SendAsync("PUT", "/2/redistribute-config", null, noRights)).Status);
    }

    [Fact]
    public async Task Users_file_changes_take_effect_without_restart()
    {
        File.WriteAllText(_s.UsersFile, "carol {cleartext}pw1 write\n");
        _s.Server.Users.Reload();
        Assert.Equal(HttpStatusCode.Unauthorized, (await _s.GetAsync("/version", RapiTestServer.Reader)).Status);
        Assert.Equal(HttpStatusCode.OK, (await _s.GetAsync("/version", RapiTestServer.Basic("carol", "pw1"))).Status);
    }

    [Fact]
    public async Task Users_file_is_watched()
    {
        File.WriteAllText(_s.UsersFile, "dave {cleartext}pw2 read\n");
        var ok = false;
        for (var i = 0; i < 50 && !ok; i++)
        {
            ok = (await _s.GetAsync("/version", RapiTestServer.Basic("dave", "pw2"))).Status == HttpStatusCode.OK;
            if (!ok) await Task.Delay(100);
        }
        Assert.True(ok, "the new user was not picked up from the changed users file");
    }
}
