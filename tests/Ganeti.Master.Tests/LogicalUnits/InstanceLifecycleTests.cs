using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>Instances through the whole stack: opcodes, job queue, locks, logical units, node RPC, fake hypervisor, file disks, OS scripts.</summary>
public class InstanceLifecycleTests
{
    private static GanetiException Failure(Job job) =>
        GanetiException.FromWire(job.Ops.First(o => o.Status == JobStatus.Error).Result)!;

    private static async Task<string?> StatusAsync(TestCluster c, string name)
    {
        var r = await c.Service.QueryAsync("instance", ["name", "status", "oper_state"], new JsonArray("=", "name", name), CancellationToken.None);
        return r.Data.Count == 0 ? null : r.Data[0][1].Value?.GetValue<string>();
    }

    [Fact]
    public async Task CreateInstallsTheOsOnAFileDiskAndStartsTheInstance()
    {
        await using var c = new TestCluster();
        var marker = Path.Combine(c.Paths.Root, "os-ran");
        c.AddOs("testos", $"""
            [ "$INSTANCE_NAME" = web1 ] || exit 3
            [ "$DISK_COUNT" = 1 ] || exit 4
            [ -f "$DISK_0_PATH" ] || exit 5
            echo "$OS_API_VERSION $INSTANCE_NAME $HYPERVISOR $DISK_0_SIZE" > {marker}
            """);
        var job = await c.RunAsync(TestCluster.Create("web1", "file", 128, "testos"));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        Assert.Equal("20 web1 fake 128", File.ReadAllText(marker).Trim());
        var cfg = c.Service.ReadConfig();
        var inst = cfg.FindInstance("web1")!;
        Assert.Equal(AdminStates.Up, inst.AdminState);
        var disk = cfg.InstanceDisks(inst).Single();
        var path = disk.LogicalId[1].GetString()!;
        Assert.StartsWith(cfg.Cluster.FileStorageDir, path);
        Assert.Equal(128L * 1024 * 1024, new FileInfo(path).Length);
        Assert.Equal("running", await StatusAsync(c, "web1"));
        Assert.Matches("^aa:00:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$", inst.Nics.Single().Mac);
    }

    [Fact]
    public async Task StopStartRebootAndInfoFollowTheInstance()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1"));
        var stop = await c.RunAsync(TestCluster.Op("OP_INSTANCE_SHUTDOWN", new { instance_name = "web1" }));
        Assert.Equal(JobStatus.Success, stop.CalcStatus());
        Assert.Equal("ADMIN_down", await StatusAsync(c, "web1"));
        Assert.Equal(AdminStates.Down, c.Service.ReadConfig().FindInstance("web1")!.AdminState);

        await c.RunAsync(TestCluster.Op("OP_INSTANCE_STARTUP", new { instance_name = "web1" }));
        Assert.Equal("running", await StatusAsync(c, "web1"));

        foreach (var type in new[] { "soft", "hard", "full" })
        {
            var reboot = await c.RunAsync(TestCluster.Op("OP_INSTANCE_REBOOT", new { instance_name = "web1", reboot_type = type }));
            Assert.Equal(JobStatus.Success, reboot.CalcStatus());
            Assert.Equal("running", await StatusAsync(c, "web1"));
        }

        var info = await c.RunAsync(TestCluster.Op("OP_INSTANCE_QUERY_DATA", new { instances = new[] { "web1" }, @static = false }));
        var data = info.Ops[0].Result!["web1"]!;
        Assert.Equal("up", data["config_state"]!.GetValue<string>());
        Assert.Equal("up", data["run_state"]!.GetValue<string>());
        Assert.Equal("node1.test", data["pnode"]!.GetValue<string>());
    }

    [Fact]
    public async Task ShutdownWithNoRememberKeepsTheAdminState()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1"));
        await c.RunAsync(TestCluster.Op("OP_INSTANCE_SHUTDOWN", new { instance_name = "web1", no_remember = true }));
        Assert.Equal(AdminStates.Up, c.Service.ReadConfig().FindInstance("web1")!.AdminState);
        Assert.Equal("ERROR_down", await StatusAsync(c, "web1"));
    }

    [Fact]
    public async Task RemoveDeletesDisksAndConfiguration()
    {
        await using var c = new TestCluster();
        c.AddOs("testos");
        await c.RunAsync(TestCluster.Create("web1", "file", 16, "testos"));
        var path = c.Service.ReadConfig().Disks.Values.Single().LogicalId[1].GetString()!;
        Assert.True(File.Exists(path));
        var job = await c.RunAsync(TestCluster.Op("OP_INSTANCE_REMOVE", new { instance_name = "web1" }));
        Assert.Equal(JobStatus.Success, job.CalcStatus());
        Assert.False(File.Exists(path));
        var cfg = c.Service.ReadConfig();
        Assert.Null(cfg.FindInstance("web1"));
        Assert.Empty(cfg.Disks);
        Assert.Null(await StatusAsync(c, "web1"));
    }

    [Fact]
    public async Task RenameMovesFileDisksAndRunsTheRenameScript()
    {
        await using var c = new TestCluster();
        c.AddOs("testos");
        await c.RunAsync(TestCluster.Create("old1", "file", 16, "testos", start: false));
        var job = await c.RunAsync(TestCluster.Op("OP_INSTANCE_RENAME", new { instance_name = "old1", new_name = "new1", name_check = false, ip_check = false }));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        var cfg = c.Service.ReadConfig();
        Assert.Null(cfg.FindInstance("old1"));
        var inst = cfg.FindInstance("new1")!;
        var path = cfg.InstanceDisks(inst).Single().LogicalId[1].GetString()!;
        Assert.Contains("/new1/", path);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task RenamingARunningInstanceIsRefused()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1"));
        var job = await c.RunAsync(TestCluster.Op("OP_INSTANCE_RENAME", new { instance_name = "web1", new_name = "web2", name_check = false, ip_check = false }));
        Assert.Equal(ErrorCodes.WrongState, Failure(job).Ecode);
        Assert.NotNull(c.Service.ReadConfig().FindInstance("web1"));
    }

    [Fact]
    public async Task AFailingOsScriptLeavesNothingBehindAndReportsItsOutput()
    {
        await using var c = new TestCluster();
        c.AddOs("broken", "echo 'debootstrap: mirror unreachable' >&2; exit 1");
        var job = await c.RunAsync(TestCluster.Create("web1", "file", 16, "broken"));
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        Assert.Contains("mirror unreachable", Failure(job).Message);
        var cfg = c.Service.ReadConfig();
        Assert.Null(cfg.FindInstance("web1"));
        Assert.Empty(cfg.Disks);
        Assert.Empty(Directory.EnumerateFiles(cfg.Cluster.FileStorageDir, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task DuplicateNamesAreRefused()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1"));
        var job = await c.RunAsync(TestCluster.Create("web1"));
        Assert.Equal(ErrorCodes.AlreadyExists, Failure(job).Ecode);
        Assert.Single(c.Service.ReadConfig().Instances);
    }

    [Theory]
    [InlineData("web;rm -rf /")]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("$(reboot)")]
    public async Task NamesWithShellOrPathCharactersAreRefused(string name)
    {
        await using var c = new TestCluster();
        var job = await c.RunAsync(TestCluster.Create(name));
        Assert.Equal(ErrorCodes.WrongInput, Failure(job).Ecode);
        Assert.Empty(c.Service.ReadConfig().Instances);
    }

    [Fact]
    public async Task AFileStorageDirOutsideTheClusterDirectoryIsRefused()
    {
        await using var c = new TestCluster();
        var job = await c.RunAsync(TestCluster.Create("web1", "file", 16, extra: new { file_storage_dir = "../../etc" }));
        Assert.Equal(ErrorCodes.WrongInput, Failure(job).Ecode);
        Assert.Empty(c.Service.ReadConfig().Instances);
    }

    [Fact]
    public async Task AnUnknownNodeOrOsOrDisabledTemplateIsRefusedBeforeAnythingIsMade()
    {
        await using var c = new TestCluster();
        var noNode = await c.RunAsync(TestCluster.Create("a1", extra: new { pnode = "nosuch" }));
        Assert.Equal(ErrorCodes.UnknownEntity, Failure(noNode).Ecode);
        var noOs = await c.RunAsync(TestCluster.Create("a2", "file", 16, "nosuchos"));
        Assert.Equal(JobStatus.Error, noOs.CalcStatus());
        Assert.Contains("nosuchos", Failure(noOs).Message);
        var plain = await c.RunAsync(TestCluster.Create("a3", "plain", 16));
        Assert.Equal(ErrorCodes.WrongState, Failure(plain).Ecode);
        Assert.Empty(c.Service.ReadConfig().Instances);
    }

    [Fact]
    public async Task MacAddressesAreCheckedAndKeptUnique()
    {
        await using var c = new TestCluster();
        var first = TestCluster.Create("web1");
        first["nics"] = new JsonArray(new JsonObject { ["mac"] = "aa:00:00:11:22:33" });
        await c.RunAsync(first);
        var dup = TestCluster.Create("web2");
        dup["nics"] = new JsonArray(new JsonObject { ["mac"] = "AA:00:00:11:22:33" });
        Assert.Equal(ErrorCodes.NotUnique, Failure(await c.RunAsync(dup)).Ecode);
        var bad = TestCluster.Create("web3");
        bad["nics"] = new JsonArray(new JsonObject { ["mac"] = "not-a-mac" });
        Assert.Equal(ErrorCodes.WrongInput, Failure(await c.RunAsync(bad)).Ecode);
    }

    [Fact]
    public async Task ADryRunChecksForRealAndChangesNothing()
    {
        await using var c = new TestCluster();
        var ok = await c.RunAsync(TestCluster.Create("web1", extra: new { dry_run = true }));
        Assert.Equal(JobStatus.Success, ok.CalcStatus());
        Assert.Empty(c.Service.ReadConfig().Instances);
        await c.RunAsync(TestCluster.Create("web1"));
        var dup = await c.RunAsync(TestCluster.Create("web1", extra: new { dry_run = true }));
        Assert.Equal(ErrorCodes.AlreadyExists, Failure(dup).Ecode);
    }

    [Fact]
    public async Task NameCheckResolvesTheName()
    {
        await using var c = new TestCluster();
        var unresolvable = await c.RunAsync(TestCluster.Create("nowhere", extra: new { name_check = true }));
        Assert.Equal(ErrorCodes.Resolver, Failure(unresolvable).Ecode);
        var ok = await c.RunAsync(TestCluster.Create("web.resolvable", extra: new { name_check = true }));
        Assert.Equal(JobStatus.Success, ok.CalcStatus());
    }

    [Fact]
    public async Task ManyConcurrentCreatesAllSucceedWithUniqueMacs()
    {
        await using var c = new TestCluster();
        var ids = new List<long>();
        for (var i = 0; i < 30; i++) ids.Add(await c.SubmitAsync(TestCluster.Create($"vm{i}", start: false)));
        foreach (var id in ids) Assert.Equal(JobStatus.Success, (await c.WaitAsync(id)).CalcStatus());
        var macs = c.Service.ReadConfig().Instances.Values.SelectMany(i => i.Nics).Select(n => n.Mac).ToList();
        Assert.Equal(30, macs.Distinct().Count());
    }
}
