using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

public class ClusterAndTagsTests
{
    [Fact]
    public async Task TagsAreAddedListedSearchedAndRemoved()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1"));
        var set = await c.RunAsync(TestCluster.Op("OP_TAGS_SET", new { kind = "instance", name = "web1", tags = new[] { "env:prod", "role:web" } }));
        Assert.Equal(JobStatus.Success, set.CalcStatus());
        await c.RunAsync(TestCluster.Op("OP_TAGS_SET", new { kind = "cluster", tags = new[] { "site:ams" } }));
        var get = await c.RunAsync(TestCluster.Op("OP_TAGS_GET", new { kind = "instance", name = "web1" }));
        Assert.Equal("[\"env:prod\",\"role:web\"]", get.Ops[0].Result!.ToJsonString());
        var search = await c.RunAsync(TestCluster.Op("OP_TAGS_SEARCH", new { pattern = "^(env|site):" }));
        Assert.Equal("[[\"/cluster\",\"site:ams\"],[\"/instances/web1\",\"env:prod\"]]", search.Ops[0].Result!.ToJsonString());
        await c.RunAsync(TestCluster.Op("OP_TAGS_DEL", new { kind = "instance", name = "web1", tags = new[] { "env:prod" } }));
        Assert.Equal(["role:web"], c.Service.ReadConfig().FindInstance("web1")!.Tags);
    }

    [Fact]
    public async Task BadTagsAndMissingTagsAreRefused()
    {
        await using var c = new TestCluster();
        var bad = await c.RunAsync(TestCluster.Op("OP_TAGS_SET", new { kind = "cluster", tags = new[] { "has space" } }));
        Assert.Equal(ErrorCodes.WrongInput, GanetiException.FromWire(bad.Ops[0].Result)!.Ecode);
        var missing = await c.RunAsync(TestCluster.Op("OP_TAGS_DEL", new { kind = "cluster", tags = new[] { "nope" } }));
        Assert.Equal(ErrorCodes.UnknownEntity, GanetiException.FromWire(missing.Ops[0].Result)!.Ecode);
        var noObject = await c.RunAsync(TestCluster.Op("OP_TAGS_GET", new { kind = "node", name = "ghost" }));
        Assert.Equal(ErrorCodes.UnknownEntity, GanetiException.FromWire(noObject.Ops[0].Result)!.Ecode);
    }

    [Fact]
    public async Task ClusterQueryDescribesTheCluster()
    {
        await using var c = new TestCluster();
        var job = await c.RunAsync(TestCluster.Op("OP_CLUSTER_QUERY"));
        var info = job.Ops[0].Result!;
        Assert.Equal("test.cluster", info["name"]!.GetValue<string>());
        Assert.Equal("node1.test", info["master"]!.GetValue<string>());
        Assert.Equal("[\"fake\"]", info["enabled_hypervisors"]!.ToJsonString());
        Assert.Equal("3.0.2", info["software_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task QueriesSelectFieldsAndFilter()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1"));
        await c.RunAsync(TestCluster.Create("db1", start: false));
        var job = await c.RunAsync(TestCluster.Op("OP_QUERY", new
        {
            what = "instance",
            fields = new[] { "name", "admin_state", "nosuchfield" },
            qfilter = new object[] { "=~", "name", "^w" },
        }));
        var result = job.Ops[0].Result!;
        Assert.Equal("unknown", result["fields"]![2]!["kind"]!.GetValue<string>());
        Assert.Equal("[[[0,\"web1\"],[0,\"up\"],[1,null]]]", result["data"]!.ToJsonString());

        var nodes = await c.Service.QueryAsync("node", ["name", "role", "pinst_cnt", "mtotal"], null, CancellationToken.None);
        Assert.Equal("node1.test", nodes.Data[0][0].Value!.GetValue<string>());
        Assert.Equal("M", nodes.Data[0][1].Value!.GetValue<string>());
        Assert.Equal(2, nodes.Data[0][2].Value!.GetValue<int>());
        Assert.True(nodes.Data[0][3].Value!.GetValue<long>() > 0);

        var groups = await c.Service.QueryAsync("group", ["name", "node_cnt"], null, CancellationToken.None);
        Assert.Equal("default", groups.Data[0][0].Value!.GetValue<string>());

        var jobs = await c.Service.QueryAsync("job", ["id", "status", "summary"], new JsonArray("=", "status", "success"), CancellationToken.None);
        Assert.Contains(jobs.Data, r => r[2].Value!.ToJsonString() == "[\"INSTANCE_CREATE(web1)\"]");
    }

    [Fact]
    public async Task AMalformedFilterIsWrongInput()
    {
        await using var c = new TestCluster();
        var e = await Assert.ThrowsAsync<GanetiException>(() =>
            c.Service.QueryAsync("instance", ["name"], new JsonArray("~~", "name", "x"), CancellationToken.None));
        Assert.Equal(ErrorCodes.WrongInput, e.Ecode);
    }

    [Fact]
    public async Task OsDiagnoseListsDefinitionsWithVariants()
    {
        await using var c = new TestCluster(osSearchPath: null);
        c.AddOs("testos", variants: ["small", "big"]);
        var job = await c.RunAsync(TestCluster.Op("OP_OS_DIAGNOSE", new { output_fields = new[] { "name", "valid", "variants" }, names = Array.Empty<string>() }));
        Assert.Equal(JobStatus.Success, job.CalcStatus());
        Assert.Contains("[\"testos\",true,[\"small\",\"big\"]]", job.Ops[0].Result!.ToJsonString());
    }

    [Fact]
    public async Task UnsupportedOpcodesAreRefusedAtSubmission()
    {
        await using var c = new TestCluster();
        var e = await Assert.ThrowsAsync<GanetiException>(() => c.SubmitAsync(TestCluster.Op("OP_NODE_POWERCYCLE", new { node_name = "node1.test" })));
        Assert.Equal(ErrorCodes.WrongInput, e.Ecode);
        Assert.Contains("OP_NODE_POWERCYCLE", e.Message);
        Assert.Empty(c.Service.ListJobIds());
    }

    [Fact]
    public async Task BadOpcodesAreRefusedAtSubmissionNamingTheParameter()
    {
        await using var c = new TestCluster();
        var e = await Assert.ThrowsAsync<GanetiException>(() => c.SubmitAsync(TestCluster.Op("OP_TEST_DELAY", new { duration = "soon" })));
        Assert.Equal(ErrorCodes.WrongInput, e.Ecode);
        Assert.Contains("duration", e.Message);
        Assert.Empty(c.Service.ListJobIds());
    }
}
