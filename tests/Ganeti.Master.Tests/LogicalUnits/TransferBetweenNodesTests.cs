using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Core.Paths;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>
/// Export to another node, import from another node and instance move, on a cluster of two
/// in-process nodes with their own state trees: disk data really travels as disk streams over
/// TCP between the nodes' dispatchers, through the master's transfer orchestration.
/// </summary>
public class TransferBetweenNodesTests
{
    private static void AssertOk(Job job) =>
        Assert.True(job.CalcStatus() == JobStatus.Success,
            string.Join("; ", job.Ops.Select(o => o.Result?.ToJsonString())) + "\n" + string.Join("\n", job.Ops.SelectMany(o => o.Log).Select(l => l.Message)));

    private static string Ecode(Job job) => GanetiException.FromWire(job.Ops[0].Result)!.Ecode!;

    private static string DiskPath(TestCluster c, string name, int index = 0) =>
        c.Service.ReadConfig().InstanceDisks(c.Service.ReadConfig().FindInstance(name)!)[index].LogicalId[1].GetString()!;

    private static GanetiPaths NodePaths(TestCluster c, string node) => new(c.Service.ReadConfig().FindNode(node)!.RootDir!);

    private static async Task<TestCluster> TwoNodesAsync()
    {
        var c = new TestCluster();
        await c.AddFakeNodeAsync("node2.test", 8192);
        return c;
    }

    /// <summary>Fills the instance's first disk with random data and returns its SHA-256.</summary>
    private static string FillRandom(TestCluster c, string name)
    {
        var path = DiskPath(c, name);
        var data = RandomNumberGenerator.GetBytes((int)new FileInfo(path).Length);
        File.WriteAllBytes(path, data);
        return Convert.ToHexString(SHA256.HashData(data));
    }

    private static string Sha(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public async Task ExportToAnotherNodeStreamsTheDisksThereAndImportFromItStreamsThemBack()
    {
        await using var c = await TwoNodesAsync();
        AssertOk(await c.RunAsync(TestCluster.Create("src1", "file", 8, start: false)));
        var sum = FillRandom(c, "src1");

        var export = await c.RunAsync(TestCluster.Op("OP_BACKUP_EXPORT",
            new { instance_name = "src1", target_node = "node2.test", mode = "local", compress = "gzip" }));
        AssertOk(export);
        var log = export.Ops[0].Log.Select(l => l.Message).ToList();
        Assert.Contains(log, l => l.Contains("disk/0: sending from node1.test to node2.test") && l.Contains("compression gzip"));
        Assert.Contains(log, l => l.Contains("disk/0: 8.0 MiB copied at"));

        // Ganeti's layout on the target node, nothing on the primary, no staging left.
        var exportDir = Path.Combine(NodePaths(c, "node2.test").ExportDir, "src1");
        Assert.Equal(sum, Sha(Path.Combine(exportDir, "disk0.dump")));
        var ini = File.ReadAllText(Path.Combine(exportDir, "config.ini"));
        Assert.Contains("source = node1.test", ini);
        Assert.Contains("disk0_dump = disk0.dump", ini);
        Assert.Contains("disk_template = file", ini);
        Assert.False(Directory.Exists(Path.Combine(c.Paths.ExportDir, "src1")));
        Assert.False(Directory.Exists(exportDir + ".new"));

        var import = TestCluster.Create("dst1", "file", 8, start: false,
            extra: new { mode = "import", src_node = "node2.test", src_path = exportDir, compress = "gzip-fast" });
        import.Remove("no_install");
        var imported = await c.RunAsync(import);
        AssertOk(imported);
        Assert.Contains(imported.Ops[0].Log, l => l.Message.Contains("from node node2.test to node node1.test"));
        Assert.Equal(sum, Sha(DiskPath(c, "dst1")));
        Assert.Equal(c.Service.ReadConfig().FindNode("node1.test")!.Uuid, c.Service.ReadConfig().FindInstance("dst1")!.PrimaryNode);

        AssertOk(await c.RunAsync(TestCluster.Op("OP_BACKUP_REMOVE", new { instance_name = "src1" })));
        Assert.False(Directory.Exists(exportDir));
    }

    [Fact]
    public async Task ExportThroughTheOsScriptsToAnotherNodeKeepsTheOsData()
    {
        await using var c = await TwoNodesAsync();
        var os = c.AddOs("dumpos", "printf 'created' | dd of=\"$DISK_0_PATH\" conv=notrunc 2>/dev/null");
        File.WriteAllText(Path.Combine(os, "export"), "#!/bin/sh\nexec cat \"$EXPORT_DEVICE\"\n");
        File.WriteAllText(Path.Combine(os, "import"), "#!/bin/sh\nexec dd of=\"$IMPORT_DEVICE\" conv=notrunc 2>/dev/null\n");
        AssertOk(await c.RunAsync(TestCluster.Create("src1", "file", 4, "dumpos")));

        // The instance runs: the export stops it and starts it again afterwards.
        AssertOk(await c.RunAsync(TestCluster.Op("OP_BACKUP_EXPORT", new { instance_name = "src1", target_node = "node2.test", mode = "local" })));
        Assert.Equal("up", c.Service.ReadConfig().FindInstance("src1")!.AdminState);
        var dump = File.ReadAllBytes(Path.Combine(NodePaths(c, "node2.test").ExportDir, "src1", "disk0.dump"));
        Assert.Equal("created", System.Text.Encoding.ASCII.GetString(dump, 0, 7));

        var import = TestCluster.Create("dst1", "file", 4, start: false,
            extra: new { mode = "import", src_node = "node2.test", src_path = "src1" });
        import.Remove("no_install");
        AssertOk(await c.RunAsync(import));
        Assert.Equal("dumpos", c.Service.ReadConfig().FindInstance("dst1")!.Os);
        Assert.Equal("created", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(DiskPath(c, "dst1")), 0, 7));
    }

    [Fact]
    public async Task AFailedExportToAnotherNodeLeavesNoHalfExportAndKeepsAnOlderOne()
    {
        await using var c = await TwoNodesAsync();
        // An OS whose export script fails half-way once the marker file exists.
        var marker = Path.Combine(c.Paths.Root, "fail-export");
        var os = c.AddOs("flaky");
        File.WriteAllText(Path.Combine(os, "export"),
            $"#!/bin/sh\nif [ -e {marker} ]; then head -c 100000 \"$EXPORT_DEVICE\"; echo 'export broke' >&2; exit 3; fi\nexec cat \"$EXPORT_DEVICE\"\n");
        AssertOk(await c.RunAsync(TestCluster.Create("src1", "file", 4, "flaky", start: false)));
        FillRandom(c, "src1");
        AssertOk(await c.RunAsync(TestCluster.Op("OP_BACKUP_EXPORT", new { instance_name = "src1", target_node = "node2.test", mode = "local" })));
        var exportDir = Path.Combine(NodePaths(c, "node2.test").ExportDir, "src1");
        var before = Sha(Path.Combine(exportDir, "disk0.dump"));

        File.WriteAllText(marker, "");
        var failed = await c.RunAsync(TestCluster.Op("OP_BACKUP_EXPORT", new { instance_name = "src1", target_node = "node2.test", mode = "local" }));
        Assert.Equal(JobStatus.Error, failed.CalcStatus());
        Assert.Contains("sending from node1.test failed", failed.Ops[0].Result!.ToJsonString());
        Assert.False(Directory.Exists(exportDir + ".new"));
        Assert.Equal(before, Sha(Path.Combine(exportDir, "disk0.dump")));
    }

    [Fact]
    public async Task AnInstanceKeepsOneExportTheNewOneReplacingThoseOnOtherNodes()
    {
        await using var c = await TwoNodesAsync();
        AssertOk(await c.RunAsync(TestCluster.Create("src1", "file", 4, start: false)));
        AssertOk(await c.RunAsync(TestCluster.Op("OP_BACKUP_EXPORT", new { instance_name = "src1", target_node = "node1.test", mode = "local" })));
        var onNode1 = Path.Combine(c.Paths.ExportDir, "src1");
        Assert.True(Directory.Exists(onNode1));

        var second = await c.RunAsync(TestCluster.Op("OP_BACKUP_EXPORT", new { instance_name = "src1", target_node = "node2.test", mode = "local" }));
        AssertOk(second);
        Assert.Contains(second.Ops[0].Log, l => l.Message == "Removed the older export of src1 on node1.test");
        Assert.False(Directory.Exists(onNode1));
        Assert.True(Directory.Exists(Path.Combine(NodePaths(c, "node2.test").ExportDir, "src1")));
    }

    [Fact]
    public async Task ExportRefusesAnUnknownCompressionAndAnOfflineTarget()
    {
        await using var c = await TwoNodesAsync();
        AssertOk(await c.RunAsync(TestCluster.Create("src1", "file", 4, start: false)));
        var bad = await c.RunAsync(TestCluster.Op("OP_BACKUP_EXPORT",
            new { instance_name = "src1", target_node = "node2.test", mode = "local", compress = "lz4" }));
        Assert.Equal(ErrorCodes.WrongInput, Ecode(bad));
        Assert.Contains("lz4", bad.Ops[0].Result!.ToJsonString());
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.FindNode("node2.test")!.Offline = true);
        var offline = await c.RunAsync(TestCluster.Op("OP_BACKUP_EXPORT", new { instance_name = "src1", target_node = "node2.test", mode = "local" }));
        Assert.Equal(ErrorCodes.WrongState, Ecode(offline));
    }

    [Fact]
    public async Task MoveCopiesTheDisksSwitchesThePrimaryAndStartsTheInstanceThere()
    {
        await using var c = await TwoNodesAsync();
        AssertOk(await c.RunAsync(TestCluster.Create("mv1", "file", 8)));
        var oldPath = DiskPath(c, "mv1");
        // The fake hypervisor does not write to the disk: data put there now must arrive intact.
        var sum = FillRandom(c, "mv1");

        var move = await c.RunAsync(TestCluster.Op("OP_INSTANCE_MOVE", new { instance_name = "mv1", target_node = "node2.test", compress = "gzip-fast" }));
        AssertOk(move);
        var cfg = c.Service.ReadConfig();
        var inst = cfg.FindInstance("mv1")!;
        var node2 = cfg.FindNode("node2.test")!;
        Assert.Equal(node2.Uuid, inst.PrimaryNode);
        Assert.Equal([node2.Uuid], cfg.InstanceDisks(inst)[0].Nodes);
        var newPath = DiskPath(c, "mv1");
        Assert.NotEqual(oldPath, newPath);
        Assert.False(File.Exists(oldPath));
        Assert.Equal(sum, Sha(newPath));
        Assert.Equal("up", inst.AdminState);
        Assert.True(File.Exists(Path.Combine(NodePaths(c, "node2.test").Root, "var/run/ganeti/fake-hypervisor", "mv1")));
        Assert.False(File.Exists(Path.Combine(c.Paths.Root, "var/run/ganeti/fake-hypervisor", "mv1")));
        var log = move.Ops[0].Log.Select(l => l.Message).ToList();
        Assert.Contains(log, l => l.Contains("Shutting down instance mv1 on source node node1.test"));
        Assert.Contains(log, l => l.Contains("disk/0: 8.0 MiB copied"));
        Assert.Contains(log, l => l.Contains("Starting instance mv1 on node node2.test"));
    }

    [Fact]
    public async Task MovingAStoppedInstanceLeavesItStopped()
    {
        await using var c = await TwoNodesAsync();
        AssertOk(await c.RunAsync(TestCluster.Create("mv2", "file", 4, start: false)));
        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_MOVE", new { instance_name = "mv2", target_node = "node2.test" })));
        var inst = c.Service.ReadConfig().FindInstance("mv2")!;
        Assert.Equal("down", inst.AdminState);
        Assert.False(inst.DisksActive);
        Assert.False(File.Exists(Path.Combine(NodePaths(c, "node2.test").Root, "var/run/ganeti/fake-hypervisor", "mv2")));
    }

    [Fact]
    public async Task AFailedCopyRemovesTheTargetDisksAndLeavesTheInstanceWhereItWas()
    {
        await using var c = await TwoNodesAsync();
        AssertOk(await c.RunAsync(TestCluster.Create("mv3", "file", 4, start: false)));
        var path = DiskPath(c, "mv3");
        // The file grew outside the cluster: more data than the target disk (4 MiB) can take.
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(6 << 20));
        var sum = Sha(path);
        var dir = Path.GetDirectoryName(path)!;
        var before = Directory.GetFiles(dir).Order().ToList();

        var move = await c.RunAsync(TestCluster.Op("OP_INSTANCE_MOVE", new { instance_name = "mv3", target_node = "node2.test" }));
        Assert.Equal(JobStatus.Error, move.CalcStatus());
        Assert.Contains("smaller than the data", move.Ops[0].Result!.ToJsonString());
        var inst = c.Service.ReadConfig().FindInstance("mv3")!;
        Assert.Equal(c.Service.ReadConfig().FindNode("node1.test")!.Uuid, inst.PrimaryNode);
        Assert.Equal(path, DiskPath(c, "mv3"));
        Assert.Equal(sum, Sha(path));
        Assert.Equal(before, Directory.GetFiles(dir).Order().ToList());
    }

    [Fact]
    public async Task MoveIsRefusedForTemplatesThatAreNotCopiedAndForTheSameNode()
    {
        await using var c = await TwoNodesAsync();
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.Cluster.EnabledDiskTemplates.Add("sharedfile"));
        AssertOk(await c.RunAsync(TestCluster.Create("sh1", "sharedfile", 4, start: false)));
        var shared = await c.RunAsync(TestCluster.Op("OP_INSTANCE_MOVE", new { instance_name = "sh1", target_node = "node2.test" }));
        Assert.Equal(ErrorCodes.WrongState, Ecode(shared));
        Assert.Contains("not suitable for copying", shared.Ops[0].Result!.ToJsonString());

        AssertOk(await c.RunAsync(TestCluster.Create("f1", "file", 4, start: false)));
        var same = await c.RunAsync(TestCluster.Op("OP_INSTANCE_MOVE", new { instance_name = "f1", target_node = "node1.test" }));
        Assert.Equal(ErrorCodes.WrongState, Ecode(same));
        var unknown = await c.RunAsync(TestCluster.Op("OP_INSTANCE_MOVE", new { instance_name = "f1", target_node = "nowhere.test" }));
        Assert.Equal(ErrorCodes.UnknownEntity, Ecode(unknown));
    }

    [Fact]
    public async Task AnImportFromACompressedExportOnAnotherNodeUnpacksTheDumps()
    {
        await using var c = await TwoNodesAsync();
        AssertOk(await c.RunAsync(TestCluster.Create("src1", "file", 8, start: false, extra: new { pnode = "node2.test" })));
        var sum = FillRandom(c, "src1");
        AssertOk(await c.RunAsync(TestCluster.Op("OP_BACKUP_EXPORT",
            new { instance_name = "src1", target_node = "node2.test", mode = "local", compress = "gzip-fast" })));
        var exportDir = Path.Combine(NodePaths(c, "node2.test").ExportDir, "src1");
        Assert.NotEqual(sum, Sha(Path.Combine(exportDir, "disk0.dump")));
        Assert.Contains("compression = gzip-fast", File.ReadAllText(Path.Combine(exportDir, "config.ini")));

        var import = TestCluster.Create("dst1", "file", 8, start: false,
            extra: new { mode = "import", src_node = "node2.test", src_path = exportDir, compress = "gzip" });
        import.Remove("no_install");
        AssertOk(await c.RunAsync(import));
        Assert.Equal(sum, Sha(DiskPath(c, "dst1")));
    }

    [Theory]
    [InlineData("node1.test")]
    [InlineData("node2.test")]
    public async Task TheExportResultReportsASwapDiskAsNotExported(string target)
    {
        await using var c = await TwoNodesAsync();
        var create = TestCluster.Create("src1", "file", start: false);
        create["disks"] = new JsonArray(new JsonObject { ["size"] = 4 }, new JsonObject { ["size"] = 4 });
        AssertOk(await c.RunAsync(create));
        using (var f = File.OpenWrite(DiskPath(c, "src1", 1))) { f.Position = 4096 - 10; f.Write("SWAPSPACE2"u8); }

        var export = await c.RunAsync(TestCluster.Op("OP_BACKUP_EXPORT", new { instance_name = "src1", target_node = target, mode = "local" }));
        AssertOk(export);
        Assert.Equal("[true,[true,false]]", export.Ops[0].Result!.ToJsonString());
        var exportDir = Path.Combine(NodePaths(c, target).ExportDir, "src1");
        Assert.True(File.Exists(Path.Combine(exportDir, "disk0.dump")));
        Assert.False(File.Exists(Path.Combine(exportDir, "disk1.dump")));
    }

    [Fact]
    public async Task MoveChecksTheTargetGroupsInstancePolicyUnlessToldToIgnoreIt()
    {
        await using var c = await TwoNodesAsync();
        AssertOk(await c.RunAsync(TestCluster.Create("src1", "file", 8, start: false)));
        await c.Daemon.Context.Config.UpdateAsync(cfg =>
        {
            // node2 sits in a group whose policy wants disks of at least 1 GiB.
            var g = new Core.Config.NodeGroup { Uuid = Guid.NewGuid().ToString(), Name = "big-disks" };
            g.Ipolicy["minmax"] = System.Text.Json.JsonSerializer.SerializeToElement(new[]
            {
                new
                {
                    min = new Dictionary<string, int> { ["memory-size"] = 0, ["cpu-count"] = 1, ["disk-count"] = 1, ["disk-size"] = 1024, ["nic-count"] = 0, ["spindle-use"] = 0 },
                    max = new Dictionary<string, int> { ["memory-size"] = 65536, ["cpu-count"] = 8, ["disk-count"] = 16, ["disk-size"] = 1048576, ["nic-count"] = 8, ["spindle-use"] = 12 },
                },
            });
            cfg.Nodegroups[g.Uuid] = g;
            cfg.FindNode("node2.test")!.Group = g.Uuid;
        });
        var move = TestCluster.Op("OP_INSTANCE_MOVE", new { instance_name = "src1", target_node = "node2.test" });
        var refused = await c.RunAsync(move);
        Assert.Equal(ErrorCodes.WrongInput, Ecode(refused));
        Assert.Contains("instance policy of node group big-disks", refused.Ops[0].Result!.ToJsonString());
        Assert.Equal(c.Service.ReadConfig().FindNode("node1.test")!.Uuid, c.Service.ReadConfig().FindInstance("src1")!.PrimaryNode);

        move["ignore_ipolicy"] = true;
        var moved = await c.RunAsync(move);
        AssertOk(moved);
        Assert.Contains(moved.Ops[0].Log, l => l.Message.StartsWith("Warning: Instance src1 does not meet the instance policy", StringComparison.Ordinal));
        Assert.Equal(c.Service.ReadConfig().FindNode("node2.test")!.Uuid, c.Service.ReadConfig().FindInstance("src1")!.PrimaryNode);
    }
}
