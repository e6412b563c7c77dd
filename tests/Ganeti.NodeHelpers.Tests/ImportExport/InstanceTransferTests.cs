using System.Net;
using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.ImportExport;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Tests.Os;
using Ganeti.NodeHelpers.Tests.TestSupport;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.ImportExport;

public sealed class InstanceTransferTests : OsTestBase
{
    private readonly InstanceTransfer transfer;

    public InstanceTransferTests()
    {
        TestOs.WriteApi20(SearchDir);
        transfer = new InstanceTransfer(Runner, Root.Paths, "node1.example.com");
    }

    private InstanceSpec TwoDisks(string os, string name, bool swap)
    {
        var data = NewDisk(2, name);
        var second = NewDisk(1, name) with { Index = 1, Name = "swap" };
        if (swap)
            Assert.True(ProcessCommandRunner.Instance.RunAsync(new CommandSpec("/sbin/mkswap", second.Path!), default).Result.Succeeded);
        var i = Instances.With(os, data, name);
        return i with { Disks = [i.Disks[0], second] };
    }

    private InstanceSpec Blank(InstanceSpec like, string name)
    {
        var disks = like.Disks.Select((d, idx) =>
        {
            var dir = Path.Combine(Root.FileStorageDir, name);
            Directory.CreateDirectory(dir);
            var p = Path.Combine(dir, $"new.disk{idx}");
            File.WriteAllBytes(p, new byte[d.SizeMiB << 20]);
            return d with { Uuid = Guid.NewGuid().ToString(), Path = p, LogicalId = [Disks.Json("loop"), Disks.Json(p)] };
        }).ToList();
        return like with { Name = name, Disks = disks };
    }

    [Theory]
    [InlineData("noop", DiskDataMode.OsScripts)]
    [InlineData("testos+minimal", DiskDataMode.OsScripts)]
    [InlineData("testos", DiskDataMode.Raw)]
    public async Task An_export_in_ganetis_layout_imports_onto_new_disks_without_its_swap(string os, DiskDataMode mode)
    {
        var source = TwoDisks(os, "web1.example.com", swap: true);
        var dir = await transfer.ExportLocalAsync(source, "file", mode, default);
        Assert.Equal(Path.Combine(Root.Paths.ExportDir, "web1.example.com"), dir);
        Assert.Equal(["config.ini", "disk0.dump"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        Assert.False(Directory.Exists(dir + ".new"));

        var config = InstanceTransfer.ReadConfig(dir);
        Assert.Equal("web1.example.com", config.Get("instance", "name"));
        Assert.Equal(os, config.Get("export", "os"));
        Assert.Equal("node1.example.com", config.Get("export", "source"));
        Assert.Equal("disk0.dump", config.Get("instance", "disk0_dump"));
        Assert.Null(config.Get("instance", "disk1_dump"));
        Assert.Equal("1", config.Get("instance", "disk1_size"));
        Assert.Equal("2", config.Get("instance", "disk_count"));
        Assert.Equal("aa:00:00:11:22:33", config.Get("instance", "nic0_mac"));
        Assert.Equal("True", config.Get("backend", "auto_balance"));
        Assert.Equal("paravirtual", config.Get("hypervisor", "disk_type"));

        var target = Blank(source, "web2.example.com");
        await transfer.ImportLocalAsync(target, dir, mode, default);
        Assert.Equal(File.ReadAllBytes(source.Disks[0].Path!), File.ReadAllBytes(target.Disks[0].Path!));
        Assert.All(File.ReadAllBytes(target.Disks[1].Path!), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task A_disk_streams_to_another_node_through_the_os_scripts_compressed()
    {
        var source = TwoDisks("testos", "src.example.com", swap: false);
        var target = Blank(source, "dst.example.com");
        using var listener = new DiskStreamListener(IPAddress.Loopback);
        var secret = DiskStream.NewSecret();
        var receive = transfer.ReceiveDiskAsync(target, 0, DiskDataMode.OsScripts, listener, secret, TimeSpan.FromSeconds(30), null, default);
        var sent = await transfer.SendDiskAsync(source, 0, DiskDataMode.OsScripts, "127.0.0.1", listener.EndPoint.Port, secret, "gzip", null, default);
        var received = await receive;
        Assert.Equal(sent!.Checksum, received.Checksum);
        Assert.Equal(File.ReadAllBytes(source.Disks[0].Path!), File.ReadAllBytes(target.Disks[0].Path!));
    }

    [Fact]
    public async Task A_failing_export_script_fails_the_send_with_the_scripts_error()
    {
        TestOs.Script(Path.Combine(SearchDir, "testos"), "export", "#!/bin/sh\necho 'disk unreadable' >&2\nexit 4");
        var source = TwoDisks("testos", "src.example.com", swap: false);
        var target = Blank(source, "dst.example.com");
        using var listener = new DiskStreamListener(IPAddress.Loopback);
        var receive = transfer.ReceiveDiskAsync(target, 0, DiskDataMode.Raw, listener, "k", TimeSpan.FromSeconds(30), null, default);
        var e = await Assert.ThrowsAsync<GanetiException>(() =>
            transfer.SendDiskAsync(source, 0, DiskDataMode.OsScripts, "127.0.0.1", listener.EndPoint.Port, "k", "none", null, default));
        Assert.Contains("disk unreadable", e.Message);
        await Assert.ThrowsAsync<GanetiException>(() => receive);
    }

    [Fact]
    public void Config_ini_round_trips_in_configparser_syntax()
    {
        var text = "[export]\nversion = 0\ntimestamp = 1700000000\n\n[instance]\nname = a.example.com\ndisk_count = 1\nnic_count = 0\ndisk0_dump = x.snap\n";
        var config = ExportConfig.Parse(text);
        config.Validate();
        Assert.Equal("x.snap", config.Get("instance", "disk0_dump"));
        Assert.Equal(text + "\n", config.ToString());
        Assert.Throws<GanetiException>(() => ExportConfig.Parse("[export]\nversion = 1\n[instance]\nname=a\n").Validate());
    }
}
