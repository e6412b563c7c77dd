using System.Net;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.PowerShell.Infrastructure;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Jobs;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.PowerShell.Tests.Infrastructure;

public class GntErrorMapTests
{
    [Theory]
    [InlineData("unknown_entity", "GntUnknownEntity", "ObjectNotFound")]
    [InlineData("already_exists", "GntAlreadyExists", "ResourceExists")]
    [InlineData("wrong_input", "GntWrongInput", "InvalidArgument")]
    [InlineData("wrong_state", "GntWrongState", "InvalidOperation")]
    [InlineData("insufficient_resources", "GntInsufficientResources", "ResourceUnavailable")]
    [InlineData("temp_insufficient_resources", "GntTempInsufficientResources", "ResourceBusy")]
    [InlineData("environment_error", "GntEnvironmentError", "DeviceError")]
    public void Ganeti_error_kinds_map_to_the_categories_STYLE_names(string ecode, string id, string category)
    {
        var job = GntJob.FromFields((JsonObject)JsonNode.Parse(
            $$"""{"id":5,"status":"error","summary":["INSTANCE_STARTUP(web1)"],"opstatus":["error"],"opresult":[["OpPrereqError",["it failed","{{ecode}}"]]]}""")!);
        var info = GntErrorMap.Classify(new GntJobFailedException(job));
        Assert.Equal(id, info.ErrorId);
        Assert.Equal(category, info.Category);
        Assert.False(info.Terminating);
        Assert.Equal("Job 5 (INSTANCE_STARTUP(web1)) failed: it failed", info.Message);
    }

    [Fact]
    public void Every_Ganeti_error_kind_has_a_mapping()
    {
        Assert.Empty(ErrorCodes.All.Except(GntErrorMap.ByEcode.Keys));
    }

    [Fact]
    public void A_refused_request_with_an_ecode_maps_like_a_failed_job()
    {
        var ex = RapiErrorParser.FromResponse(HttpStatusCode.BadRequest, """{"code":400,"message":"bad name","explain":"wrong_input"}""", "POST /2/instances", null);
        Assert.Equal("GntWrongInput", GntErrorMap.Classify(ex).ErrorId);
        var nf = RapiErrorParser.FromResponse(HttpStatusCode.NotFound, "", "GET /2/instances/x", null);
        Assert.Equal(("GntNotFound", "ObjectNotFound"), (GntErrorMap.Classify(nf).ErrorId, GntErrorMap.Classify(nf).Category));
    }

    [Fact]
    public void Bad_connections_end_the_command_with_distinct_ids()
    {
        var refused = GntErrorMap.Classify(new RapiConnectionException(RapiErrorKind.ConnectionFailed, "refused"));
        var timeout = GntErrorMap.Classify(new RapiConnectionException(RapiErrorKind.Timeout, "slow"));
        var cert = GntErrorMap.Classify(new RapiCertificateException("untrusted", "AA", "BB"));
        var auth = GntErrorMap.Classify(new RapiAuthenticationException(RapiErrorKind.AuthenticationFailed, "bad password"));
        var denied = GntErrorMap.Classify(new RapiAuthenticationException(RapiErrorKind.Forbidden, "read-only"));
        Assert.Equal(
            ["GntConnectionFailed", "GntTimeout", "GntCertificateUntrusted", "GntAuthenticationFailed", "GntAccessDenied"],
            new[] { refused, timeout, cert, auth, denied }.Select(i => i.ErrorId));
        Assert.All(new[] { refused, timeout, cert, auth, denied }, i => Assert.True(i.Terminating));
        Assert.Equal("SecurityError", cert.Category);
        Assert.NotNull(cert.RecommendedAction);
    }

    [Fact]
    public void Canceled_and_plain_failed_jobs_have_their_own_ids()
    {
        var canceled = GntJob.FromFields((JsonObject)JsonNode.Parse("""{"id":1,"status":"canceled","opstatus":["canceled"],"opresult":[null]}""")!);
        Assert.Equal("GntJobCanceled", GntErrorMap.Classify(new GntJobFailedException(canceled)).ErrorId);
        var failed = GntJob.FromFields((JsonObject)JsonNode.Parse("""{"id":2,"status":"error","opstatus":["error"],"opresult":[["OpExecError",["disk full"]]]}""")!);
        var info = GntErrorMap.Classify(new GntJobFailedException(failed));
        Assert.Equal("GntJobFailed", info.ErrorId);
        Assert.Contains("disk full", info.Message);
        Assert.Contains("Get-GntJob -Id 2", info.RecommendedAction);
    }

    [Fact]
    public void Missing_names_are_non_terminating_not_found_errors_per_noun()
    {
        var info = GntErrorMap.NotFound("Instance", "web9");
        Assert.Equal(("GntInstanceNotFound", "ObjectNotFound", false), (info.ErrorId, info.Category, info.Terminating));
        Assert.Equal("Instance 'web9' does not exist.", info.Message);
        Assert.Equal("OS 'x' does not exist.", GntErrorMap.NotFound("OS", "x").Message);
        Assert.True(GntErrorMap.NotConnected().Terminating);
    }
}
