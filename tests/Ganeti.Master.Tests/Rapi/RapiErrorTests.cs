using System.Net;
using System.Text;
using Ganeti.Core.Errors;

namespace Ganeti.Master.Tests.Rapi;

public sealed class RapiErrorTests(RapiFixture fixture) : IClassFixture<RapiFixture>
{
    private RapiTestServer S => fixture.Server;

    private static void AssertGanetiBody(System.Text.Json.Nodes.JsonNode? json, HttpResponseMessage response, int code, string? message = null)
    {
        Assert.Equal(code, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(json);
        Assert.Equal(["code", "message", "explain"], json!.AsObject().Select(kv => kv.Key));
        Assert.Equal(code, json["code"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(json["explain"]!.GetValue<string>()));
        if (message is not null) Assert.Equal(message, json["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_json_is_400()
    {
        var before = S.Master.Submitted.Count;
        var (_, json, response) = await S.SendAsync("PUT", "/2/instances/web1.example.com/shutdown", "{\"timeout\": ", RapiTestServer.Writer);
        AssertGanetiBody(json, response, 400, "Unable to parse JSON data");
        Assert.Equal(before, S.Master.Submitted.Count);
    }

    [Theory]
    [InlineData("/2/pony")]
    [InlineData("/3")]
    [InlineData("/2/instances/web1.example.com/explode")]
    [InlineData("/2/instances/")]
    public async Task Unknown_resource_is_404(string path)
    {
        var (_, json, response) = await S.GetAsync(path);
        AssertGanetiBody(json, response, 404, "Not Found");
        Assert.Equal("Nothing matches the given URI", json!["explain"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("POST", "/version")]
    [InlineData("DELETE", "/2/info")]
    [InlineData("PUT", "/2/jobs")]
    [InlineData("PATCH", "/2/instances")]
    [InlineData("HEAD", "/2/instances")]
    public async Task Wrong_method_is_501(string method, string path)
    {
        var (_, json, response) = await S.SendAsync(method, path, null, RapiTestServer.Writer);
        Assert.Equal(501, (int)response.StatusCode);
        if (method != "HEAD")
            AssertGanetiBody(json, response, 501, $"Method {method} is unsupported for path {path}");
        Assert.True(response.Content.Headers.Allow.Count > 0 || response.Headers.Contains("Allow"));
    }

    [Fact]
    public async Task Oversized_body_is_413()
    {
        var before = S.Master.Submitted.Count;
        var big = "{\"x\":\"" + new string('a', 1024 * 1024 + 10) + "\"}";
        var (_, json, response) = await S.SendAsync("PUT", "/2/modify", big, RapiTestServer.Writer);
        AssertGanetiBody(json, response, 413);
        Assert.Equal("Entity is too large", json!["explain"]!.GetValue<string>());
        Assert.Equal(before, S.Master.Submitted.Count);
    }

    [Fact]
    public async Task Oversized_chunked_body_is_413()
    {
        var big = new string('a', 1024 * 1024 + 10);
        using var request = new HttpRequestMessage(HttpMethod.Put, "/2/modify");
        request.Headers.Authorization = RapiTestServer.Writer;
        request.Headers.TransferEncodingChunked = true;
        request.Content = new StringContent(big, Encoding.UTF8, "application/json");
        var response = await S.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Body_without_json_content_type_is_415(string contentType)
    {
        var before = S.Master.Submitted.Count;
        var (_, json, response) = await S.SendAsync("PUT", "/2/instances/web1.example.com/rename", "{\"new_name\":\"x\"}", RapiTestServer.Writer, contentType);
        AssertGanetiBody(json, response, 415);
        Assert.Equal(before, S.Master.Submitted.Count);
    }

    [Fact]
    public async Task Json_content_type_with_charset_is_accepted()
    {
        var (status, _, _) = await S.SendAsync("PUT", "/2/instances/web1.example.com/rename", "{\"new_name\":\"x\"}", RapiTestServer.Writer, "application/json; charset=utf-8");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("/2/instances/web1%3Brm%20-rf/startup", "character ';' is not allowed")]
    [InlineData("/2/instances/a%24(reboot)/startup", "character '$' is not allowed")]
    [InlineData("/2/instances/a%60id%60/startup", "character '`' is not allowed")]
    [InlineData("/2/instances/a%7Cb/startup", "character '|' is not allowed")]
    [InlineData("/2/instances/a%26b/startup", "character '&' is not allowed")]
    [InlineData("/2/instances/..%2F..%2Fetc/startup", "path separators are not allowed")]
    [InlineData("/2/instances/a%5Cb/startup", "path separators are not allowed")]
        [InlineData("/2/instances/a%0Ab/startup", "U+000A")]
    [InlineData("/2/instances/a%20b/startup", "U+0020")]
    [InlineData("/2/nodes/n%3Bx/tags?tag=a", "Invalid node name")]
    [InlineData("/2/groups/g%3Ex/rename", "Invalid group name")]
    [InlineData("/2/jobs/12a", "Invalid job id")]
    [InlineData("/2/instances/web1/disk/x/grow", "Invalid disk index")]
    public async Task Bad_names_in_urls_are_400_and_never_reach_the_master(string path, string fragment)
    {
        var before = S.Master.Submitted.Count;
        var method = path.Contains("/tags") || path.Contains("/startup") || path.Contains("/rename") ? "PUT" : path.Contains("/grow") ? "POST" : "GET";
        var (_, json, response) = await S.SendAsync(method, path, method == "GET" ? null : "{}", RapiTestServer.Writer);
        AssertGanetiBody(json, response, 400);
        Assert.Contains(fragment, json!["message"]!.GetValue<string>());
        Assert.Equal(before, S.Master.Submitted.Count);
    }

    [Fact]
    public async Task Bad_names_are_rejected_before_authentication()
    {
        var (status, _, _) = await S.SendAsync("PUT", "/2/instances/a%3Bb/startup", null, null);
        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task Static_parameters_cannot_be_overridden_from_the_body()
    {
        var before = S.Master.Submitted.Count;
        var (_, json, response) = await S.SendAsync("PUT", "/2/instances/web1.example.com/shutdown", """{"instance_name":"other"}""", RapiTestServer.Writer);
        AssertGanetiBody(json, response, 400, "Can't overwrite static parameters: instance_name");
        Assert.Equal(before, S.Master.Submitted.Count);
    }

    [Fact]
    public async Task Body_of_wrong_type_is_400()
    {
        var (_, json, response) = await S.SendAsync("PUT", "/2/instances/web1.example.com/shutdown", "[1,2]", RapiTestServer.Writer);
        AssertGanetiBody(json, response, 400, "Body contents: Type is 'list', but 'dict' is expected");
    }

    [Theory]
    [InlineData("?force=yes", "Invalid value for the 'force' parameter")]
    [InlineData("?dry-run=true", "Invalid value for the 'dry-run' parameter")]
    public async Task Boolean_query_arguments_must_be_numbers(string query, string message)
    {
        var (_, json, response) = await S.SendAsync("PUT", "/2/instances/web1.example.com/startup" + query, null, RapiTestServer.Writer);
        AssertGanetiBody(json, response, 400, message);
    }

    public static TheoryData<string, string?, int, string> BackendErrors => new()
    {
        { "OpPrereqError", ErrorCodes.WrongInput, 400, "Parameter 'beparams' has invalid value" },
        { "OpPrereqError", ErrorCodes.AlreadyExists, 400, "Instance 'web1' already exists" },
        { "OpPrereqError", ErrorCodes.WrongState, 400, "Instance is running" },
        { "OpPrereqError", ErrorCodes.UnknownEntity, 404, "Instance 'x' not known" },
        { "JobQueueFull", null, 503, "Job queue is full, needs archiving" },
        { "JobQueueDrainError", null, 503, "Job queue is drained, cannot submit" },
        { "NoMasterError", null, 502, "Master seems to be unreachable: down" },
        { "TimeoutError", null, 504, "Timeout while talking to the master daemon: slow" },
        { "ProgrammerError", null, 500, "boom" },
    };

    [Theory]
    [MemberData(nameof(BackendErrors))]
    public async Task Backend_errors_map_to_ganeti_statuses(string errorClass, string? ecode, int code, string message)
    {
        var backendMessage = errorClass switch { "NoMasterError" => "down", "TimeoutError" => "slow", "JobQueueFull" or "JobQueueDrainError" => "x", _ => message };
        S.Master.SubmitError = new GanetiException(errorClass, backendMessage, ecode);
        try
        {
            var (_, json, response) = await S.SendAsync("PUT", "/2/instances/web1.example.com/startup", null, RapiTestServer.Writer);
            AssertGanetiBody(json, response, code, message);
        }
        finally
        {
            S.Master.SubmitError = null;
        }
    }

    [Fact]
    public async Task Error_messages_are_json_escaped_not_reflected_raw()
    {
        var (_, _, response) = await S.SendAsync("PUT", "/2/instances/%3Cscript%3E/startup", null, RapiTestServer.Writer);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", raw);
    }
}

public sealed class RapiRouteTableTests
{
    private readonly Ganeti.Master.Rapi.RapiRouteTable _table = Ganeti.Master.Rapi.Resources.RapiResources.Build();

    [Theory]
    [InlineData("/2/instances/../startup")]
    [InlineData("/2/instances/%2E%2E/startup")]
    [InlineData("/2/nodes/./tags")]
    public void Dot_names_are_rejected(string path)
    {
        var e = Assert.Throws<Ganeti.Master.Rapi.RapiException>(() => _table.Match(path));
        Assert.Equal(400, e.StatusCode);
        Assert.Contains("dots only", e.Message);
    }

    [Theory]
    [InlineData("/2/instances//startup")]
    [InlineData("/2/instances/")]
    [InlineData("2/instances")]
    public void Empty_segments_do_not_match(string path) => Assert.Null(_table.Match(path));

    [Fact]
    public void Every_ganeti_resource_is_mapped_plus_only_the_documented_extensions()
    {
        string[] ganeti =
        [
            "/", "/2", "/version", "/2/nodes", "/2/nodes/{node}", "/2/nodes/{node}/powercycle", "/2/nodes/{node}/tags",
            "/2/nodes/{node}/role", "/2/nodes/{node}/evacuate", "/2/nodes/{node}/migrate", "/2/nodes/{node}/modify",
            "/2/nodes/{node}/storage", "/2/nodes/{node}/storage/modify", "/2/nodes/{node}/storage/repair",
            "/2/instances", "/2/instances/{instance}", "/2/instances/{instance}/info", "/2/instances/{instance}/tags",
            "/2/instances/{instance}/reboot", "/2/instances/{instance}/reinstall", "/2/instances/{instance}/replace-disks",
            "/2/instances/{instance}/shutdown", "/2/instances/{instance}/startup", "/2/instances/{instance}/activate-disks",
            "/2/instances/{instance}/deactivate-disks", "/2/instances/{instance}/recreate-disks",
            "/2/instances/{instance}/prepare-export", "/2/instances/{instance}/export", "/2/instances/{instance}/migrate",
            "/2/instances/{instance}/failover", "/2/instances/{instance}/rename", "/2/instances/{instance}/modify",
            "/2/instances/{instance}/disk/{disk}/grow", "/2/instances/{instance}/console",
            "/2/networks", "/2/networks/{network}", "/2/networks/{network}/connect", "/2/networks/{network}/disconnect",
            "/2/networks/{network}/rename", "/2/networks/{network}/modify", "/2/networks/{network}/tags",
            "/2/groups", "/2/groups/{group}", "/2/groups/{group}/modify", "/2/groups/{group}/rename",
            "/2/groups/{group}/assign-nodes", "/2/groups/{group}/tags",
            "/2/jobs", "/2/jobs/{job}", "/2/jobs/{job}/wait", "/2/instances-multi-alloc", "/2/tags", "/2/info", "/2/os",
            "/2/redistribute-config", "/2/features", "/2/modify", "/2/query/{resource}", "/2/query/{resource}/fields",
            "/2/filters", "/2/filters/{filter}",
        ];
        // GanetiCluster's additions, described in docs/rapi.md.
        string[] extensions = ["/2/cluster/balance", "/2/cluster/capacity", "/2/groups/{group}/evacuate"];
        Assert.Equal(ganeti.Concat(extensions).Order(), _table.Resources.Select(r => r.Template).Order());
    }
}
