using System.Text.Json;
using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Os;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage;
using Ganeti.NodeHelpers.Tests.TestSupport;

namespace Ganeti.NodeHelpers.Tests.Os;

public sealed class OsRunnerTests : OsTestBase
{
    public OsRunnerTests() => TestOs.WriteApi20(SearchDir);

    [Fact]
    public async Task Create_gets_exactly_the_os_interface_environment_and_nothing_of_the_daemon()
    {
        Environment.SetEnvironmentVariable("GNT_DAEMON_SECRET", "leak");
        var disk = NewDisk();
        var instance = Instances.With("testos+minimal", disk).WithOsparams(("dhcp", "yes"), ("root-password", "s3cret"));
        var log = await Runner.CreateAsync(instance, reinstall: false, debug: 1, default);

        var env = TestOs.ReadEnv(disk.Path + ".env");
        foreach (var shellOwn in new[] { "PWD", "SHLVL", "_", "OLDPWD" })
            env.Remove(shellOwn);
        var expected = new Dictionary<string, string>
        {
            ["OS_API_VERSION"] = "20",
            ["OS_NAME"] = "testos",
            ["OS_VARIANT"] = "minimal",
            ["INSTANCE_OS"] = "testos+minimal",
            ["DEBUG_LEVEL"] = "1",
            ["PATH"] = "/sbin:/bin:/usr/sbin:/usr/bin",
            ["OSP_DHCP"] = "yes",
            ["OSP_ROOT_PASSWORD"] = "s3cret",
            ["INSTANCE_NAME"] = "inst1.example.com",
            ["INSTANCE_UUID"] = instance.Uuid,
            ["INSTANCE_CTIME"] = "1700000000.5",
            ["INSTANCE_MTIME"] = "1700000100.25",
            ["INSTANCE_PRIMARY_NODE"] = "node1.example.com",
            ["INSTANCE_SECONDARY_NODES"] = "",
            ["HYPERVISOR"] = "kvm",
            ["DISK_COUNT"] = "1",
            ["DISK_0_PATH"] = disk.Path!,
            ["DISK_0_SIZE"] = "4",
            ["DISK_0_ACCESS"] = "rw",
            ["DISK_0_UUID"] = disk.Uuid,
            ["DISK_0_NAME"] = "root",
            ["DISK_0_FRONTEND_TYPE"] = "paravirtual",
            ["DISK_0_BACKEND_TYPE"] = "file:loop",
            ["NIC_COUNT"] = "1",
            ["NIC_0_MAC"] = "aa:00:00:11:22:33",
            ["NIC_0_UUID"] = "nic-uuid-0",
            ["NIC_0_NAME"] = "eth0",
            ["NIC_0_IP"] = "192.0.2.10",
            ["NIC_0_MODE"] = "bridged",
            ["NIC_0_BRIDGE"] = "br0",
            ["NIC_0_LINK"] = "br0",
            ["NIC_0_FRONTEND_TYPE"] = "e1000",
            ["INSTANCE_BE_maxmem"] = "256",
            ["INSTANCE_BE_vcpus"] = "2",
            ["INSTANCE_BE_auto_balance"] = "True",
            ["INSTANCE_HV_disk_type"] = "paravirtual",
            ["INSTANCE_HV_nic_type"] = "e1000",
            ["INSTANCE_HV_kernel_path"] = "",
        };
        Assert.Equal(expected.OrderBy(p => p.Key), env.OrderBy(p => p.Key));
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(log,
            @"/var/log/ganeti/os/add-testos\+minimal-inst1\.example\.com-\d{4}-\d\d-\d\d_\d\d_\d\d_\d\d(\.\d+)?\.log$"), log);
        Assert.Contains("installed inst1.example.com", File.ReadAllText(log));
    }

    [Fact]
    public async Task Reinstall_sets_INSTANCE_REINSTALL()
    {
        var disk = NewDisk();
        await Runner.CreateAsync(Instances.With("testos", disk), reinstall: true, debug: 0, default);
        var env = TestOs.ReadEnv(disk.Path + ".env");
        Assert.Equal("1", env["INSTANCE_REINSTALL"]);
        Assert.Equal("default", env["OS_VARIANT"]);
    }

    [Fact]
    public async Task A_failing_create_reports_the_exit_code_the_log_and_its_last_lines()
    {
        var disk = NewDisk();
        var e = await Assert.ThrowsAsync<GanetiException>(() =>
            Runner.CreateAsync(Instances.With("testos+broken", disk), false, 0, default));
        Assert.Contains("OS create script failed (exited with exit code 3)", e.Message);
        Assert.Contains("cannot partition " + disk.Path, e.Message);
        Assert.Contains("progress line 30", e.Message);
        Assert.DoesNotContain("progress line 10\n", e.Message);
        var log = Assert.Single(Directory.GetFiles(Root.Paths.OsLogDir));
        Assert.Contains(log, e.Message);
    }

    [Fact]
    public async Task A_create_that_runs_too_long_is_killed_and_reported()
    {
        Runner = new OsRunner(Discovery, Root.Paths, ProcessCommandRunner.Instance,
            new OsScriptTimeouts { Create = TimeSpan.FromSeconds(1) });
        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<GanetiException>(() =>
            Runner.CreateAsync(Instances.With("testos", NewDisk()).WithOsparams(("dhcp", "hang")), false, 0, default));
        Assert.Contains("timed out after 1 s", e.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task An_os_with_only_an_untrusted_create_is_refused()
    {
        var dir = TestOs.WriteApi20(SearchDir, "untrusted");
        File.Move(Path.Combine(dir, "create"), Path.Combine(dir, "create_untrusted"));
        var e = await Assert.ThrowsAsync<GanetiException>(() => Runner.CreateAsync(Instances.With("untrusted", NewDisk()), false, 0, default));
        Assert.Contains("untrusted", e.Message);
    }

    [Fact]
    public async Task Rename_passes_the_old_name_and_logs_under_both_names()
    {
        var disk = NewDisk();
        var log = await Runner.RenameAsync(Instances.With("testos", disk, name: "new.example.com"), "old.example.com", 0, default);
        var env = TestOs.ReadEnv(disk.Path + ".rename-env");
        Assert.Equal("old.example.com", env["OLD_INSTANCE_NAME"]);
        Assert.Equal("new.example.com", env["INSTANCE_NAME"]);
        Assert.Contains("rename-testos-old.example.com-new.example.com-", log);
    }

    [Fact]
    public async Task Export_then_import_through_the_scripts_copies_the_disk()
    {
        var source = NewDisk(2);
        var target = NewDisk(2, "target.example.com");
        File.WriteAllBytes(target.Path!, new byte[2 << 20]);
        var stream = new MemoryStream();
        var exportLog = await Runner.ExportAsync(Instances.With("testos", source), 0, stream, 0, default);
        Assert.Equal(File.ReadAllBytes(source.Path!), stream.ToArray());
        Assert.Equal("0", TestOs.ReadEnv(source.Path + ".export-env")["EXPORT_INDEX"]);
        Assert.Contains("export-testos-inst1.example.com-disk0-", exportLog);

        stream.Position = 0;
        await Runner.ImportAsync(Instances.With("testos", target, "target.example.com"), 0, stream, 0, default);
        Assert.Equal(File.ReadAllBytes(source.Path!), File.ReadAllBytes(target.Path!));
        var env = TestOs.ReadEnv(target.Path + ".import-env");
        Assert.Equal(target.Path, env["IMPORT_DEVICE"]);
        Assert.Equal(target.Path, env["IMPORT_DISK_PATH"]);
    }

    [Fact]
    public async Task Swap_areas_are_never_exported()
    {
        var disk = NewDisk(1);
        var mkswap = await ProcessCommandRunner.Instance.RunAsync(new CommandSpec("/sbin/mkswap", disk.Path!), default);
        Assert.True(mkswap.Succeeded, mkswap.Stderr);
        Assert.True(SwapDetector.IsSwap(disk.Path!));
        var e = await Assert.ThrowsAsync<GanetiException>(() =>
            Runner.ExportAsync(Instances.With("testos", disk), 0, new MemoryStream(), 0, default));
        Assert.Contains("swap is never exported", e.Message);
    }

    [Fact]
    public async Task Validate_checks_parameter_names_and_runs_verify()
    {
        var ok = new Dictionary<string, JsonElement> { ["dhcp"] = Disks.Json("no") };
        Assert.True(await Runner.ValidateAsync("testos", true, ["parameters"], ok, default));
        var unknown = new Dictionary<string, JsonElement> { ["colour"] = Disks.Json("red") };
        Assert.Contains("does not support parameters: colour",
            (await Assert.ThrowsAsync<GanetiException>(() => Runner.ValidateAsync("testos", true, ["parameters"], unknown, default))).Message);
        var bad = new Dictionary<string, JsonElement> { ["dhcp"] = Disks.Json("maybe") };
        Assert.Contains("dhcp must be yes or no",
            (await Assert.ThrowsAsync<GanetiException>(() => Runner.ValidateAsync("testos", true, ["parameters"], bad, default))).Message);
        Assert.False(await Runner.ValidateAsync("nosuch", false, ["parameters"], ok, default));
        Assert.True(await Runner.ValidateAsync("noop", true, ["parameters"], ok, default));
    }

    [Fact]
    public async Task Debians_noop_creates_renames_and_copies_a_disk_unchanged()
    {
        var disk = NewDisk(2);
        var log = await Runner.CreateAsync(Instances.With("noop", disk), false, 0, default);
        Assert.Contains("/add-noop-inst1.example.com-", log);
        await Runner.RenameAsync(Instances.With("noop", disk, "other.example.com"), "inst1.example.com", 0, default);

        var exported = new MemoryStream();
        await Runner.ExportAsync(Instances.With("noop", disk), 0, exported, 0, default);
        Assert.Equal(File.ReadAllBytes(disk.Path!), exported.ToArray());
        var target = NewDisk(2, "copy.example.com");
        File.WriteAllBytes(target.Path!, new byte[2 << 20]);
        exported.Position = 0;
        await Runner.ImportAsync(Instances.With("noop", target, "copy.example.com"), 0, exported, 0, default);
        Assert.Equal(File.ReadAllBytes(disk.Path!), File.ReadAllBytes(target.Path!));
    }
}
