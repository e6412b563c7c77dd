using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage;
using Ganeti.NodeHelpers.Storage.Lvm;
using Ganeti.NodeHelpers.Tests.TestSupport;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Storage;

/// <summary>The plain driver against recorded lvm2 output; commands are recorded, not run.</summary>
public sealed class LvmDriverTests
{
    private static string Recorded(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "Recorded", "lvm", name));

    private const string Lv = "0d9b1c6e-aaaa.disk0_data";

    private static readonly string Report = string.Join(' ', LvmReports.Common);

    private static RecordingCommandRunner Lvm(bool lvExists)
    {
        var r = new RecordingCommandRunner()
            .On("vgs", Recorded("vgs.txt"))
            .On("pvs", Recorded("pvs.txt"))
            .On("lvs", "", 5, Recorded("lvs-missing.stderr.txt"));
        if (lvExists)
            r.On("lvs", [.. LvmReports.Common, "-o", "lv_name,vg_name,lv_size,lv_attr"], Recorded("lvs-data.txt"))
             .On("lvs", [.. LvmReports.Common, "-o", "lv_tags"], Recorded("lvs-tags.txt"));
        return r;
    }

    private static DiskSpec Plain(string lv = Lv, long size = 100) => new()
    {
        Uuid = "u",
        DevType = "plain",
        LogicalId = [Disks.Json("xenvgtest"), Disks.Json(lv)],
        SizeMiB = size,
    };

    [Fact]
    public void Recorded_reports_parse()
    {
        Assert.Equal([new VgInfo("xenvgtest", 384, 504)], LvmReports.ParseVgs(Recorded("vgs.txt")));
        Assert.Equal([new PvInfo("/dev/loop0", "xenvgtest", 132, 252, "a--"), new PvInfo("/dev/loop1", "xenvgtest", 252, 252, "a--")],
            LvmReports.ParsePvs(Recorded("pvs.txt")));
        var lv = Assert.Single(LvmReports.ParseLvs(Recorded("lvs-data.txt")));
        Assert.Equal(new LvInfo(Lv, "xenvgtest", 100, "-wi-XX----"), lv);
        Assert.False(lv.Partial);
        Assert.True(new LvInfo("x", "vg", 1, "-wi-ao----").Open);
        Assert.True(new LvInfo("x", "vg", 1, "-wi-a---p-").Partial);
    }

    [Fact]
    public async Task Create_checks_the_free_space_then_runs_lvcreate()
    {
        var runner = Lvm(lvExists: false);
        var made = await new LvmDriver(runner).CreateAsync(Plain() with { Params = new() { ["stripes"] = Disks.Json(2) } },
            new DiskCreateRequest("i", 100, true), default);
        Assert.Equal("/dev/xenvgtest/" + Lv, made.Path);
        Assert.Equal(
        [
            $"vgs {Report} -o vg_name,vg_free,vg_size xenvgtest",
            $"lvs {Report} -o lv_name,vg_name,lv_size,lv_attr xenvgtest/{Lv}",
            $"lvcreate -L100m -n{Lv} --yes --wipesignatures y -i2 xenvgtest",
        ], runner.CommandLines.Select(l => l.Replace("'--separator=|'", "--separator=|")));
    }

    [Fact]
    public async Task A_size_beyond_the_free_space_is_refused_before_anything_runs()
    {
        var runner = Lvm(lvExists: false);
        var e = await Assert.ThrowsAsync<GanetiException>(() => new LvmDriver(runner).CreateAsync(Plain(size: 400), new DiskCreateRequest("i", 400, true), default));
        Assert.Equal(ErrorCodes.InsufficientResources, e.Ecode);
        Assert.Contains("384 MiB free", e.Message);
        Assert.DoesNotContain(runner.Commands, c => c.FileName == "lvcreate");
    }

    [Fact]
    public async Task A_failed_lvcreate_is_cleaned_up_with_lvremove()
    {
        var runner = Lvm(lvExists: false).On("lvcreate", "", 5, "  Volume group \"xenvgtest\" has insufficient free space");
        var e = await Assert.ThrowsAsync<GanetiException>(() => new LvmDriver(runner).CreateAsync(Plain(), new DiskCreateRequest("i", 100, true), default));
        Assert.Contains("insufficient free space", e.Message);
        Assert.Equal($"lvremove -f xenvgtest/{Lv}", runner.CommandLines[^1]);
    }

    [Fact]
    public async Task Grow_dry_run_asks_lvextend_to_test_only()
    {
        var runner = Lvm(lvExists: true);
        await new LvmDriver(runner).GrowAsync(Plain(), 50, dryRun: true, default);
        Assert.Equal($"lvextend -L +50m --test xenvgtest/{Lv}", runner.CommandLines[^1]);
    }

    [Fact]
    public async Task Set_info_replaces_the_tag_and_rename_and_snapshot_use_lvm_commands()
    {
        var runner = Lvm(lvExists: true);
        var driver = new LvmDriver(runner);
        await driver.SetInfoAsync(Plain(), "originstname+web 1.example.com", default);
        Assert.Equal($"lvchange --deltag originstname+inst1.example.com --addtag originstname+web_1.example.com xenvgtest/{Lv}", runner.CommandLines[^1]);
        await driver.RenameAsync(Plain(), Plain("renamed.disk0").LogicalId, default);
        Assert.Equal($"lvrename xenvgtest {Lv} renamed.disk0", runner.CommandLines[^1]);
        var snap = await driver.SnapshotAsync(Plain(), Lv + ".snap", default);
        Assert.Equal($"lvcreate -L100m -s -n{Lv}.snap xenvgtest/{Lv}", runner.CommandLines[^1]);
        Assert.Equal(Lv + ".snap", snap[1].GetString());
    }

    [Fact]
    public async Task Remove_of_a_missing_volume_runs_nothing_and_names_are_checked()
    {
        var runner = Lvm(lvExists: false);
        await new LvmDriver(runner).RemoveAsync(Plain(), default);
        Assert.DoesNotContain(runner.Commands, c => c.FileName == "lvremove");
        await Assert.ThrowsAsync<GanetiException>(() => new LvmDriver(runner).RemoveAsync(Plain("../../etc"), default));
    }

    [Fact]
    public async Task Space_is_reported_per_volume_group_and_per_physical_volume_with_spindles()
    {
        var space = await new LvmDriver(Lvm(false)).GetSpaceAsync(
            [new StorageUnit("lvm-vg", "xenvgtest"), new StorageUnit("lvm-pv", "xenvgtest")], default);
        Assert.Equal(new StorageSpace("lvm-vg", "xenvgtest", 504, 384), space[0]);
        Assert.Equal(new StorageSpace("lvm-pv", "xenvgtest", 504, 384) { SpindlesTotal = 2, SpindlesFree = 1 }, space[1]);
    }
}
