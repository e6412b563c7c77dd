using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>Disk operations, reinstall, and export/import through the master with real file disks and OS scripts.</summary>
public class DisksAndBackupTests
{
    private static void AssertOk(Job job) =>
        Assert.True(job.CalcStatus() == JobStatus.Success, string.Join("; ", job.Ops.Select(o => o.Result?.ToJsonString())));

    private static string DiskPath(TestCluster c, string name) =>
        c.Service.ReadConfig().InstanceDisks(c.Service.ReadConfig().FindInstance(name)!)[0].LogicalId[1].GetString()!;

    [Fact]
    public async Task DisksAreActivatedAndDeactivated()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1", "file", 16, start: false));
        var job = await c.RunAsync(TestCluster.Op("OP_INSTANCE_ACTIVATE_DISKS", new { instance_name = "web1" }));
        AssertOk(job);
        var row = job.Ops[0].Result!.AsArray().Single()!.AsArray();
        Assert.Equal("node1.test", row[0]!.GetValue<string>());
        Assert.Equal("disk/0", row[1]!.GetValue<string>());
        Assert.True(c.Service.ReadConfig().FindInstance("web1")!.DisksActive);
        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_DEACTIVATE_DISKS", new { instance_name = "web1" })));
        Assert.False(c.Service.ReadConfig().FindInstance("web1")!.DisksActive);
    }

    [Fact]
    public async Task DeactivatingTheDisksOfARunningInstanceIsRefused()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1", "file", 16));
        var job = await c.RunAsync(TestCluster.Op("OP_INSTANCE_DEACTIVATE_DISKS", new { instance_name = "web1" }));
        Assert.Equal(ErrorCodes.WrongState, GanetiException.FromWire(job.Ops[0].Result)!.Ecode);
    }

    [Fact]
    public async Task GrowDiskGrowsTheFileAndTheRecordedSize()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1", "file", 16, start: false));
        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_GROW_DISK", new { instance_name = "web1", disk = 0, amount = 8 })));
        Assert.Equal(24L * 1024 * 1024, new FileInfo(DiskPath(c, "web1")).Length);
        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_GROW_DISK", new { instance_name = "web1", disk = 0, amount = 40, absolute = true })));
        Assert.Equal(40, c.Service.ReadConfig().Disks.Values.Single().Size);
        var shrink = await c.RunAsync(TestCluster.Op("OP_INSTANCE_GROW_DISK", new { instance_name = "web1", disk = 0, amount = 10, absolute = true }));
        Assert.Equal(ErrorCodes.WrongInput, GanetiException.FromWire(shrink.Ops[0].Result)!.Ecode);
        var noDisk = await c.RunAsync(TestCluster.Op("OP_INSTANCE_GROW_DISK", new { instance_name = "web1", disk = 3, amount = 10 }));
        Assert.Equal(ErrorCodes.WrongInput, GanetiException.FromWire(noDisk.Ops[0].Result)!.Ecode);
    }

    [Fact]
    public async Task ReinstallRunsCreateAgainWithTheReinstallFlag()
    {
        await using var c = new TestCluster();
        var marker = Path.Combine(c.Paths.Root, "reinstalled");
        c.AddOs("testos", $"echo \"${{INSTANCE_REINSTALL:-0}}\" >> {marker}");
        await c.RunAsync(TestCluster.Create("web1", "file", 16, "testos"));
        var refused = await c.RunAsync(TestCluster.Op("OP_INSTANCE_REINSTALL", new { instance_name = "web1" }));
        Assert.Equal(ErrorCodes.WrongState, GanetiException.FromWire(refused.Ops[0].Result)!.Ecode);
        await c.RunAsync(TestCluster.Op("OP_INSTANCE_SHUTDOWN", new { instance_name = "web1" }));
        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_REINSTALL", new { instance_name = "web1" })));
        Assert.Equal(["0", "1"], File.ReadAllLines(marker));
    }

    [Fact]
    public async Task AnExportImportsIntoANewInstanceWithItsData()
    {
        await using var c = new TestCluster();
        // A tiny OS whose export script dumps the disk and whose import script restores it.
        var os = c.AddOs("dumpos", "printf 'created' | dd of=\"$DISK_0_PATH\" conv=notrunc 2>/dev/null");
        File.WriteAllText(Path.Combine(os, "export"), "#!/bin/sh\nexec cat \"$EXPORT_DEVICE\"\n");
        File.WriteAllText(Path.Combine(os, "import"), "#!/bin/sh\nexec dd of=\"$IMPORT_DEVICE\" conv=notrunc 2>/dev/null\n");
        await c.RunAsync(TestCluster.Create("src1", "file", 4, "dumpos", start: false));
        using (var f = File.OpenWrite(DiskPath(c, "src1"))) { f.Position = 1024; f.Write("payload-42"u8); }

        var export = await c.RunAsync(TestCluster.Op("OP_BACKUP_EXPORT", new { instance_name = "src1", target_node = "node1.test", mode = "local" }));
        AssertOk(export);
        var exportDir = Path.Combine(c.Paths.ExportDir, "src1");
        Assert.True(File.Exists(Path.Combine(exportDir, "config.ini")));

        var import = TestCluster.Create("dst1", "file", 4, start: false, extra: new { mode = "import", src_node = "node1.test", src_path = exportDir });
        import.Remove("no_install");
        AssertOk(await c.RunAsync(import));
        Assert.Equal("dumpos", c.Service.ReadConfig().FindInstance("dst1")!.Os);
        var data = File.ReadAllBytes(DiskPath(c, "dst1"));
        Assert.Equal("created", System.Text.Encoding.ASCII.GetString(data, 0, 7));
        Assert.Equal("payload-42", System.Text.Encoding.ASCII.GetString(data, 1024, 10));

        AssertOk(await c.RunAsync(TestCluster.Op("OP_BACKUP_REMOVE", new { instance_name = "src1" })));
        Assert.False(Directory.Exists(exportDir));
        var again = await c.RunAsync(TestCluster.Op("OP_BACKUP_REMOVE", new { instance_name = "src1" }));
        Assert.Equal(ErrorCodes.UnknownEntity, GanetiException.FromWire(again.Ops[0].Result)!.Ecode);
    }

    [Fact]
    public async Task AnExportAskedToCompressStoresItsDumpsCompressedAndImportsFromThem()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("src1", "file", 4, start: false));
        using (var f = File.OpenWrite(DiskPath(c, "src1"))) { f.Position = 1024; f.Write("payload-42"u8); }

        AssertOk(await c.RunAsync(TestCluster.Op("OP_BACKUP_EXPORT", new { instance_name = "src1", target_node = "node1.test", mode = "local", compress = "gzip" })));
        var exportDir = Path.Combine(c.Paths.ExportDir, "src1");
        var ini = File.ReadAllText(Path.Combine(exportDir, "config.ini"));
        Assert.Matches(@"(?m)^compression\s*=\s*gzip\s*$", ini);
        var dump = Directory.GetFiles(exportDir).Single(p => !p.EndsWith("config.ini", StringComparison.Ordinal));
        var stored = File.ReadAllBytes(dump);
        Assert.Equal(new byte[] { 0x1f, 0x8b }, stored[..2]);
        Assert.True(stored.Length < 4 << 20, $"a 4 MiB disk of zeros stored as {stored.Length} bytes");

        var import = TestCluster.Create("dst1", "file", 4, start: false, extra: new { mode = "import", src_node = "node1.test", src_path = exportDir });
        import.Remove("no_install");
        AssertOk(await c.RunAsync(import));
        var data = File.ReadAllBytes(DiskPath(c, "dst1"));
        Assert.Equal(4 << 20, data.Length);
        Assert.Equal("payload-42", System.Text.Encoding.ASCII.GetString(data, 1024, 10));
    }
}
