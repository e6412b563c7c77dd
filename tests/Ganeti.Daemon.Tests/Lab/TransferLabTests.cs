using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ganeti.Core.Jobs;
using Ganeti.Core.Paths;
using Xunit.Abstractions;

namespace Ganeti.Daemon.Tests.Lab;

/// <summary>
/// Export to another node, import back and instance move between two of the lab's nodes: each node a network
/// namespace running `ganetid node` over SSH, the disk stream crossing the lab bridge from one
/// namespace's address to the other's.
/// </summary>
[Collection(LabCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TransferLabTests(LabFixture lab, ITestOutputHelper output) : IAsyncLifetime
{
    public Task InitializeAsync() => lab.HealAsync();

    public Task DisposeAsync() => lab.HealAsync();

    private void Show(Job job)
    {
        foreach (var l in job.Ops.SelectMany(o => o.Log)) output.WriteLine($"log: {l.Message}");
        output.WriteLine($"result: {job.Ops[0].Result?.ToJsonString()}");
    }

    private async Task Ok(LabMaster m, JsonObject op, int seconds = 60)
    {
        var job = await m.RunAsync(op, seconds);
        Show(job);
        Assert.Equal(JobStatus.Success, job.CalcStatus());
    }

    private static string DiskPath(LabMaster m, string name)
    {
        var cfg = m.Service.ReadConfig();
        return cfg.InstanceDisks(cfg.FindInstance(name)!)[0].LogicalId[1].GetString()!;
    }

    private static string Sha(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public async Task AFileDiskInstanceIsExportedFromNode1ToNode2ImportedBackAndMovedWithTheSameData()
    {
        await using var m = new LabMaster(lab);
        var (n1, n2) = (lab.Nodes[0], lab.Nodes[1]);
        foreach (var n in new[] { n1, n2 })
            await Ok(m, LabMaster.Op("OP_NODE_ADD", new JsonObject { ["node_name"] = n.Name, ["primary_ip"] = n.Address }));

        await Ok(m, LabMaster.Op("OP_INSTANCE_CREATE", new JsonObject
        {
            ["instance_name"] = "xfer1", ["mode"] = "create", ["disk_template"] = "file",
            ["disks"] = new JsonArray(new JsonObject { ["size"] = 32 }), ["nics"] = new JsonArray(),
            ["name_check"] = false, ["ip_check"] = false, ["start"] = false, ["no_install"] = true, ["pnode"] = "node1",
        }));
        // The nodes share this machine's file system, so the test can fill node1's disk directly.
        var source = DiskPath(m, "xfer1");
        File.WriteAllBytes(source, RandomNumberGenerator.GetBytes(32 << 20));
        var sum = Sha(source);

        await Ok(m, LabMaster.Op("OP_BACKUP_EXPORT", new JsonObject
        {
            ["instance_name"] = "xfer1", ["target_node"] = "node2", ["mode"] = "local", ["compress"] = "gzip-fast",
        }));
        var exportDir = Path.Combine(new GanetiPaths(n2.Root).ExportDir, "xfer1");
        Assert.Equal(sum, Sha(Path.Combine(exportDir, "disk0.dump")));
        Assert.Contains("source = node1", File.ReadAllText(Path.Combine(exportDir, "config.ini")));
        Assert.False(Directory.Exists(Path.Combine(new GanetiPaths(n1.Root).ExportDir, "xfer1")));

        await Ok(m, LabMaster.Op("OP_INSTANCE_CREATE", new JsonObject
        {
            ["instance_name"] = "xfer2", ["mode"] = "import", ["src_node"] = "node2", ["src_path"] = "xfer1",
            ["disk_template"] = "file", ["disks"] = new JsonArray(new JsonObject { ["size"] = 32 }), ["nics"] = new JsonArray(),
            ["name_check"] = false, ["ip_check"] = false, ["start"] = false, ["pnode"] = "node1", ["compress"] = "gzip",
        }));
        var copy = DiskPath(m, "xfer2");
        Assert.NotEqual(source, copy);
        Assert.Equal(sum, Sha(copy));

        // And the copy moves to node2 over the same streams (gnt-instance move).
        await Ok(m, LabMaster.Op("OP_INSTANCE_MOVE", new JsonObject { ["instance_name"] = "xfer2", ["target_node"] = "node2" }));
        var cfg = m.Service.ReadConfig();
        Assert.Equal(cfg.FindNode("node2")!.Uuid, cfg.FindInstance("xfer2")!.PrimaryNode);
        var moved = DiskPath(m, "xfer2");
        Assert.False(File.Exists(copy));
        Assert.Equal(sum, Sha(moved));

        foreach (var name in new[] { "xfer1", "xfer2" })
            await Ok(m, LabMaster.Op("OP_INSTANCE_REMOVE", new JsonObject { ["instance_name"] = name }));
        await Ok(m, LabMaster.Op("OP_BACKUP_REMOVE", new JsonObject { ["instance_name"] = "xfer1" }));
        Assert.False(Directory.Exists(exportDir));
    }
}
