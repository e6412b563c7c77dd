using System.Text.Json.Nodes;
using Ganeti.Core.Json;
using Ganeti.NodeHelpers.Rpc;
using Ganeti.NodeHelpers.Tests.Os;
using Ganeti.NodeHelpers.Tests.TestSupport;

namespace Ganeti.NodeHelpers.Tests.Rpc;

public sealed class ImportExportRpcTests : OsTestBase
{
    private readonly NodeRpcDispatcher node = new();

    public ImportExportRpcTests() => ImportExportRpc.Register(node, Root.Context);

    private Task<JsonNode?> Call(string p, string json) => node.DispatchAsync(p, JsonNode.Parse(json), default);

    [Fact]
    public async Task Import_start_and_export_start_move_a_disk_and_report_through_impexp_status()
    {
        var source = Instances.With("noop", NewDisk(3, "a.example.com"), "a.example.com");
        var targetDisk = NewDisk(3, "b.example.com");
        File.WriteAllBytes(targetDisk.Path!, new byte[3 << 20]);
        var target = Instances.With("noop", targetDisk, "b.example.com");
        string J(object o) => GanetiJson.ToNode(o)!.ToJsonString();

        var import = await Call("import_start", $$"""{"instance":{{J(target)}},"disk_index":0,"mode":"raw","listen_address":"127.0.0.1","secret":"k1"}""");
        var port = (int)import!["port"]!;
        var export = await Call("export_start", $$"""{"instance":{{J(source)}},"disk_index":0,"mode":"os","host":"127.0.0.1","port":{{port}},"secret":"k1","compression":"gzip"}""");
        var names = $$"""{"names":["{{(string?)import["name"]}}","{{(string?)export!["name"]}}"]}""";
        JsonArray status;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(100);
            status = (JsonArray)(await Call("impexp_status", names))!;
        }
        while (status.Any(s => !(bool)s!["done"]!) && DateTime.UtcNow < deadline);
        Assert.All(status, s => Assert.True((bool)s!["success"]!, s!.ToJsonString()));
        Assert.Equal((string?)status[0]!["checksum"], (string?)status[1]!["checksum"]);
        Assert.Equal(3L << 20, (long)status[0]!["bytes"]!);
        Assert.True((double)status[1]!["mib_per_second"]! > 0);
        Assert.Equal(File.ReadAllBytes(source.Disks[0].Path!), File.ReadAllBytes(targetDisk.Path!));
        await Call("impexp_cleanup", $$"""{"name":"{{(string?)import["name"]}}"}""");
    }

    [Fact]
    public async Task A_local_export_is_listed_described_and_removed()
    {
        var source = Instances.With("noop", NewDisk(1, "c.example.com"), "c.example.com");
        var made = await Call("instance_export_local", $$"""{"instance":{{GanetiJson.ToNode(source)!.ToJsonString()}},"disk_template":"file","mode":"os"}""");
        Assert.EndsWith("/srv/ganeti/export/c.example.com", (string?)made!["path"]);
        Assert.Equal("""["c.example.com"]""", (await Call("export_list", "{}"))!.ToJsonString());
        var info = await Call("export_info", """{"name":"c.example.com"}""");
        Assert.Equal("file", (string?)info!["instance"]!["disk_template"]);
        await Call("export_remove", """{"name":"c.example.com"}""");
        Assert.Equal("[]", (await Call("export_list", "{}"))!.ToJsonString());
    }
}
