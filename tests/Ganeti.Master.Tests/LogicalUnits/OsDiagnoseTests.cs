using System.Text.Json.Nodes;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>gnt-os diagnose across nodes: each node has its own OS directory, and the master reports where they differ.</summary>
public sealed class OsDiagnoseTests
{
    private static readonly string[] Fields = ["name", "valid", "variants", "api_versions", "node_status", "differences"];

    private static async Task<(TestCluster Cluster, string[] OsDirs)> ThreeNodesAsync()
    {
        // The cluster's search path as Ganeti names it; every node looks under its own root first.
        var c = new TestCluster(osSearchPath: ["/srv/ganeti/os"]);
        var n2 = await c.AddFakeNodeAsync("node2.test", 4096);
        var n3 = await c.AddFakeNodeAsync("node3.test", 4096);
        var dirs = new[] { c.Paths, n2, n3 }.Select(p => p.Under("srv/ganeti/os")).ToArray();
        foreach (var d in dirs) Directory.CreateDirectory(d);
        return (c, dirs);
    }

    private static async Task<JsonObject> DiagnoseAsync(TestCluster c, string name)
    {
        var job = await c.RunAsync(TestCluster.Op("OP_OS_DIAGNOSE", new { output_fields = Fields, names = Array.Empty<string>() }));
        Assert.Equal(JobStatus.Success, job.CalcStatus());
        var row = job.Ops[0].Result!.AsArray().Select(r => r!.AsArray()).Single(r => r[0]!.GetValue<string>() == name);
        return new JsonObject(Fields.Select((f, i) => KeyValuePair.Create(f, row[i]?.DeepClone())));
    }

    private static string[] Texts(JsonNode? n) => n!.AsArray().Select(x => x!.GetValue<string>()).ToArray();

    [Fact]
    public async Task AnOsMissingOnOneNodeIsInvalidAndThatNodeHasNoEntry()
    {
        var (c, dirs) = await ThreeNodesAsync();
        await using var _ = c;
        c.AddOs("labos", osDir: dirs[0]);
        c.AddOs("labos", osDir: dirs[1]);

        var os = await DiagnoseAsync(c, "labos");

        Assert.False(os["valid"]!.GetValue<bool>());
        var status = os["node_status"]!.AsObject();
        Assert.Equal(["node1.test", "node2.test", "node3.test"], status.Select(kv => kv.Key).Order());
        Assert.Empty(status["node3.test"]!.AsArray());
        // Ganeti's per-node tuple: path, status, diagnose, variants, parameters, api_versions, trusted.
        var entry = status["node2.test"]!.AsArray().Single()!.AsArray();
        Assert.Equal(7, entry.Count);
        Assert.Equal(Path.Combine(dirs[1], "labos"), entry[0]!.GetValue<string>());
        Assert.True(entry[1]!.GetValue<bool>());
        Assert.Equal(["not found on node3.test"], Texts(os["differences"]));
        Assert.Empty(os["variants"]!.AsArray());
    }

    [Fact]
    public async Task DifferentVariantsAndScriptsAreReportedAndOnlySharedVariantsOffered()
    {
        var (c, dirs) = await ThreeNodesAsync();
        await using var _ = c;
        c.AddOs("labos", variants: ["small", "big"], osDir: dirs[0]);
        c.AddOs("labos", variants: ["small", "big"], osDir: dirs[1]);
        c.AddOs("labos", createBody: "echo another create; exit 0", variants: ["small"], osDir: dirs[2]);

        var os = await DiagnoseAsync(c, "labos");

        Assert.True(os["valid"]!.GetValue<bool>());
        Assert.Equal(["small"], Texts(os["variants"]));
        var diffs = Texts(os["differences"]);
        Assert.Equal(2, diffs.Length);
        Assert.Equal("variants differ: [small, big] on node1.test, node2.test; [small] on node3.test", diffs[0]);
        Assert.StartsWith("scripts (checksum) differ: ", diffs[1]);
        Assert.EndsWith(" on node3.test", diffs[1]);
        Assert.Contains("on node1.test, node2.test;", diffs[1]);
    }

    [Fact]
    public async Task AnInvalidDefinitionOnOneNodeMakesTheOsInvalidAndSaysWhy()
    {
        var (c, dirs) = await ThreeNodesAsync();
        await using var _ = c;
        foreach (var d in dirs) c.AddOs("labos", osDir: d);
        File.WriteAllText(Path.Combine(dirs[2], "labos", "ganeti_api_version"), "5\n");

        var os = await DiagnoseAsync(c, "labos");

        Assert.False(os["valid"]!.GetValue<bool>());
        var entry = os["node_status"]!["node3.test"]!.AsArray().Single()!.AsArray();
        Assert.False(entry[1]!.GetValue<bool>());
        Assert.Contains("API version mismatch", entry[2]!.GetValue<string>());
        Assert.Single(Texts(os["differences"]), d => d.StartsWith("invalid on node3.test: API version mismatch", StringComparison.Ordinal));
        Assert.Empty(os["api_versions"]!.AsArray());
    }

    [Fact]
    public async Task IdenticalDefinitionsOnEveryNodeAgree()
    {
        var (c, dirs) = await ThreeNodesAsync();
        await using var _ = c;
        foreach (var d in dirs) c.AddOs("labos", variants: ["small"], osDir: d);

        var os = await DiagnoseAsync(c, "labos");

        Assert.True(os["valid"]!.GetValue<bool>());
        Assert.Empty(os["differences"]!.AsArray());
        Assert.Equal([20], os["api_versions"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.All(os["node_status"]!.AsObject(), kv => Assert.Single(kv.Value!.AsArray()));
    }

    [Fact]
    public async Task ANodeWhoseRpcFailsDoesNotMakeEveryOsInvalid()
    {
        var (c, dirs) = await ThreeNodesAsync();
        await using var _ = c;
        c.AddOs("labos", osDir: dirs[0]);
        c.AddOs("labos", osDir: dirs[1]);
        c.SetDown("node3.test", true);

        var os = await DiagnoseAsync(c, "labos");

        Assert.True(os["valid"]!.GetValue<bool>());
        Assert.Equal(["node1.test", "node2.test"], os["node_status"]!.AsObject().Select(kv => kv.Key).Order());
    }
}
