using System.Net;
using Ganeti.Remoting.Rapi.Errors;

namespace Ganeti.Remoting.Tests.Rapi;

public class RapiErrorParserTests
{
    [Fact]
    public void Ganeti_404_body_becomes_NotFound_without_repeating_the_reason()
    {
        var ex = RapiErrorParser.FromResponse(HttpStatusCode.NotFound,
            """{"code": 404, "message": "Not Found", "explain": "Nothing matches the given URI"}""", "GET /2/instances/x", null);
        Assert.Equal(RapiErrorKind.NotFound, ex.Kind);
        Assert.Equal("GET /2/instances/x not found.", ex.Message);
        Assert.Null(ex.Ecode);
    }

    [Fact]
    public void Ecode_in_explain_is_taken()
    {
        var ex = RapiErrorParser.FromResponse(HttpStatusCode.BadRequest,
            """{"code":400,"message":"Instance name 'a;b' is not valid","explain":"wrong_input"}""", "POST /2/instances", null);
        Assert.Equal(RapiErrorKind.BadRequest, ex.Kind);
        Assert.Equal("wrong_input", ex.Ecode);
        Assert.Equal("Instance name 'a;b' is not valid", ex.ServerMessage);
        Assert.Contains("refused as invalid: Instance name", ex.Message);
    }

    [Theory]
    [InlineData("('Instance web1 already exists', 'already_exists')", "Instance web1 already exists", "already_exists")]
    [InlineData("Invalid body parameters: ('Missing disk size', 'wrong_input')", "Invalid body parameters: Missing disk size", "wrong_input")]
    [InlineData("OpPrereqError: Node n1 is offline (error type: wrong_state)", "Node n1 is offline", "wrong_state")]
    [InlineData("Can't find OS 'x' (error type: no_such_kind)", "Can't find OS 'x' (error type: no_such_kind)", null)]
    [InlineData("plain text", "plain text", null)]
    public void Ecode_is_parsed_from_Ganeti_message_forms(string message, string expected, string? ecode)
    {
        Assert.Equal((expected, ecode), RapiErrorParser.ExtractEcode(message));
    }

    [Fact]
    public void Html_escaped_messages_are_decoded()
    {
        var ex = RapiErrorParser.FromResponse(HttpStatusCode.BadRequest,
            """{"code":400,"message":"Can&#x27;t parse &quot;x&quot;","explain":"Bad request syntax or unsupported method"}""", "PUT /2/x", null);
        Assert.Equal("Can't parse \"x\"", ex.ServerMessage);
    }

    [Fact]
    public void Html_or_garbage_bodies_are_shortened_not_dumped()
    {
        var page = "<html><body><h1>502 Bad Gateway</h1>" + new string('x', 1000) + "</body></html>";
        var ex = RapiErrorParser.FromResponse(HttpStatusCode.BadGateway, page, "GET /2/info", null);
        Assert.Equal(RapiErrorKind.Unavailable, ex.Kind);
        Assert.True(ex.Message.Length < 300);
        Assert.DoesNotContain("<html>", ex.Message);
    }

    [Fact]
    public void Unauthorized_and_forbidden_are_authentication_errors_naming_the_user()
    {
        var e401 = Assert.IsType<RapiAuthenticationException>(RapiErrorParser.FromResponse(HttpStatusCode.Unauthorized, "", "PUT /2/tags", "alice"));
        Assert.Equal(RapiErrorKind.AuthenticationFailed, e401.Kind);
        Assert.Contains("'alice'", e401.Message);
        var anon = RapiErrorParser.FromResponse(HttpStatusCode.Unauthorized, "", "PUT /2/tags", null);
        Assert.Contains("-Credential", anon.Message);
        var e403 = RapiErrorParser.FromResponse(HttpStatusCode.Forbidden, "", "PUT /2/tags", "bob");
        Assert.Equal(RapiErrorKind.Forbidden, e403.Kind);
        Assert.Contains("write", e403.Message);
    }

    [Theory]
    [InlineData(503, RapiErrorKind.Unavailable)]
    [InlineData(504, RapiErrorKind.Unavailable)]
    [InlineData(500, RapiErrorKind.ServerError)]
    [InlineData(405, RapiErrorKind.NotSupported)]
    [InlineData(415, RapiErrorKind.BadRequest)]
    public void Status_codes_map_to_kinds(int status, RapiErrorKind kind)
    {
        Assert.Equal(kind, RapiErrorParser.KindOf((HttpStatusCode)status));
    }
}
