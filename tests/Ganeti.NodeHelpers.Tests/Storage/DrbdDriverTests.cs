using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage;
using Ganeti.NodeHelpers.Storage.Drbd;
using Ganeti.NodeHelpers.Storage.Lvm;
using Ganeti.NodeHelpers.Tests.TestSupport;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Storage;

/// <summary>The drbd driver against recorded DRBD output; commands are recorded, not run.</summary>
public sealed class DrbdDriverTests
{
    private static DiskSpec Lv(string name, long size) => new()
    {
        Uuid = name,
        DevType = "plain",
        LogicalId = [Disks.Json("xenvgtest"), Disks.Json(name)],
        SizeMiB = size,
    };

    private static DiskSpec Drbd(int minor) => new()
    {
        Uuid = "drbd-disk",
        DevType = "drbd",
        SizeMiB = 100,
        LogicalId = [Disks.Json("node1-uuid"), Disks.Json("node2-uuid"), Disks.Json(11000), Disks.Json(minor), Disks.Json(7), Disks.Json("s3cr3t")],
        Children = [Lv("0d9b1c6e-aaaa.disk0_data", 100), Lv("0d9b1c6e-aaaa.disk0_meta", 128)],
        DynamicParams = new()
        {
            ["local_node_ip"] = Disks.Json("192.0.2.1"), ["remote_node_ip"] = Disks.Json("192.0.2.2"),
            ["local_minor"] = Disks.Json(minor), ["remote_minor"] = Disks.Json(7),
        },
        Params = new() { ["resync-rate"] = Disks.Json(61440), ["disk-barriers"] = Disks.Json("bf"), ["net-custom"] = Disks.Json("--ping-timeout 10 --ko-count '3'") },
    };

    private static (DrbdDriver Driver, RecordingCommandRunner Runner) Make(string proc = "drbd/proc_drbd-8.4.txt", bool lvsExist = true)
    {
        var runner = new RecordingCommandRunner()
            .On("vgs", Recorded.Read("lvm/vgs.txt"))
            .On("lvs", lvsExist ? Recorded.Read("lvm/lvs-data.txt").Replace("disk0_data|xenvgtest|100.00", "LVNAME|xenvgtest|100.00") : "", lvsExist ? 0 : 5)
            .On("drbdsetup", ["status"], Recorded.Read("drbd/drbdsetup-status-9.txt"));
        if (lvsExist)
            runner.On("lvs", [.. LvmReports.Common, "-o", "lv_name,vg_name,lv_size,lv_attr"], c =>
                new CommandResult(c, 0, $"  {c.Arguments[^1].Split('/')[1]}|xenvgtest|100.00|-wi-a-----\n", "", false));
        var text = Recorded.Read(proc);
        return (new DrbdDriver(runner, new LvmDriver(runner), _ => Task.FromResult(text)), runner);
    }

    [Fact]
    public void Proc_drbd_84_is_parsed_for_every_state()
    {
        var s = DrbdStatusParser.ParseProcDrbd(Recorded.Read("drbd/proc_drbd-8.4.txt"));
        Assert.Equal(new Version(8, 4, 11), DrbdStatusParser.ParseVersion(Recorded.Read("drbd/proc_drbd-8.4.txt")));
        Assert.Equal(DiskSyncStatus.Healthy, s[0].ToSyncStatus());
        Assert.True(s[0].IsPrimary);
        Assert.Equal(new DiskSyncStatus(31.4, 62, true, "sync"), s[1].ToSyncStatus());
        Assert.True(s[2].IsUnconfigured);
        Assert.Equal(new DiskSyncStatus(null, null, true, "ok"), s[3].ToSyncStatus());
        Assert.Equal(new DiskSyncStatus(null, null, true, "faulty"), s[4].ToSyncStatus());
    }

    [Fact]
    public void Drbdsetup_status_of_drbd_9_is_parsed()
    {
        var s = DrbdStatusParser.ParseDrbdsetupStatus(Recorded.Read("drbd/drbdsetup-status-9.txt"));
        Assert.Equal(DiskSyncStatus.Healthy, s[0].ToSyncStatus());
        Assert.Equal("Secondary", s[0].PeerRole);
        Assert.Equal(new DiskSyncStatus(31.4, null, true, "sync"), s[1].ToSyncStatus());
        Assert.Equal("Connecting", s[3].ConnectionState);
        Assert.True(s[3].ToSyncStatus().IsDegraded);
    }

    [Fact]
    public async Task With_drbd_9_the_status_comes_from_drbdsetup()
    {
        var (driver, runner) = Make("drbd/proc_drbd-9.txt");
        var status = await driver.GetSyncStatusAsync(Drbd(1), default);
        Assert.Equal(31.4, status.SyncPercent);
        Assert.Contains("drbdsetup status", runner.CommandLines);
    }

    [Fact]
    public async Task Assemble_on_the_primary_brings_the_minor_up_connects_and_promotes_it()
    {
        var (driver, runner) = Make();
        var dev = await driver.AssembleAsync(Drbd(5), "inst1", onPrimary: true, default);
        Assert.Equal("/dev/drbd5", dev.Path);
        var drbd = runner.CommandLines.Where(l => l.StartsWith("drbd", StringComparison.Ordinal)).ToList();
        Assert.Equal(
        [
            "drbdsetup new-resource resource5",
            "drbdsetup new-minor resource5 5 0",
            "drbdmeta /dev/drbd5 v08 /dev/xenvgtest/0d9b1c6e-aaaa.disk0_meta flex-external apply-al",
            "drbdsetup attach 5 /dev/xenvgtest/0d9b1c6e-aaaa.disk0_data /dev/xenvgtest/0d9b1c6e-aaaa.disk0_meta flexible --on-io-error=detach --size 100m --disk-barrier=no --disk-flushes=no",
            "drbdsetup disk-options 5 --resync-rate 61440",
            "drbdsetup connect resource5 ipv4:192.0.2.1:11000 ipv4:192.0.2.2:11000 --protocol C --after-sb-0pri discard-zero-changes --after-sb-1pri consensus --cram-hmac-alg md5 --shared-secret s3cr3t --ping-timeout 10 --ko-count 3",
            "drbdsetup primary 5",
        ], drbd);
    }

    [Fact]
    public async Task Assemble_of_a_running_primary_minor_changes_nothing()
    {
        var (driver, runner) = Make();
        await driver.AssembleAsync(Drbd(0), "inst1", onPrimary: true, default);
        Assert.DoesNotContain(runner.CommandLines, l => l.StartsWith("drbd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_makes_both_volumes_and_the_metadata_and_removes_them_if_that_fails()
    {
        var (driver, runner) = Make(lvsExist: false);
        // lvs answers from what lvcreate and lvremove did so far.
        var lvs = new HashSet<string>();
        runner.On("lvcreate", [], c => { lvs.Add(c.Arguments[1][2..]); return new CommandResult(c, 0, "", "", false); })
              .On("lvremove", [], c => { lvs.Remove(c.Arguments[^1].Split('/')[1]); return new CommandResult(c, 0, "", "", false); })
              .On("lvs", [.. LvmReports.Common, "-o", "lv_name,vg_name,lv_size,lv_attr"], c =>
              {
                  var lv = c.Arguments[^1].Split('/')[1];
                  return lvs.Contains(lv) ? new CommandResult(c, 0, $"  {lv}|xenvgtest|100.00|-wi-a-----\n", "", false)
                      : new CommandResult(c, 5, "", $"  Failed to find logical volume \"{c.Arguments[^1]}\"", false);
              })
              .On("drbdmeta", "", 20, "open(/dev/drbd5) failed: No such device");
        var e = await Assert.ThrowsAsync<GanetiException>(() => driver.CreateAsync(Drbd(5), new DiskCreateRequest("inst1", 100, true), default));
        Assert.Contains("No such device", e.Message);
        var lines = runner.CommandLines;
        Assert.Contains("lvcreate -L100m -n0d9b1c6e-aaaa.disk0_data --yes --wipesignatures y xenvgtest", lines);
        Assert.Contains("lvcreate -L128m -n0d9b1c6e-aaaa.disk0_meta --yes --wipesignatures y xenvgtest", lines);
        Assert.Contains(lines, l => l.StartsWith("drbdmeta --force /dev/drbd5 v08", StringComparison.Ordinal));
        Assert.Contains("lvremove -f xenvgtest/0d9b1c6e-aaaa.disk0_data", lines);
        Assert.Contains("lvremove -f xenvgtest/0d9b1c6e-aaaa.disk0_meta", lines);
        Assert.Empty(lvs);
    }

    [Fact]
    public async Task A_minor_in_use_is_refused_and_grow_resizes_after_the_data_volume()
    {
        var (driver, runner) = Make();
        await Assert.ThrowsAsync<GanetiException>(() => driver.CreateAsync(Drbd(0), new DiskCreateRequest("inst1", 100, true), default));
        await driver.GrowAsync(Drbd(0), 50, dryRun: false, default);
        Assert.Equal("lvextend -L +50m xenvgtest/0d9b1c6e-aaaa.disk0_data", runner.CommandLines[^2]);
        Assert.Equal("drbdsetup resize 0 --size 150m", runner.CommandLines[^1]);
    }

    [Fact]
    public void Custom_parameters_are_split_into_words_without_a_shell()
    {
        Assert.Equal(["--a", "b c", "d\"e", "f"], DrbdDriver.SplitWords("--a 'b c' \"d\\\"e\" f"));
        Assert.Throws<GanetiException>(() => DrbdDriver.SplitWords("--x 'open"));
    }

    [Fact]
    public async Task Closing_demotes_a_primary_minor_and_leaves_a_secondary_alone()
    {
        var (driver, runner) = Make();
        await driver.CloseAsync(Drbd(0), default);
        await driver.CloseAsync(Drbd(1), default);
        await driver.CloseAsync(Drbd(2), default);
        Assert.Equal(["drbdsetup secondary 0"], runner.CommandLines.Where(l => l.StartsWith("drbdsetup secondary", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Disconnecting_names_both_ends_and_skips_a_standalone_minor()
    {
        var (driver, runner) = Make();
        await driver.DisconnectNetAsync(Drbd(0), default);
        await driver.DisconnectNetAsync(Drbd(4), default);
        Assert.Equal(["drbdsetup disconnect ipv4:192.0.2.1:11000 ipv4:192.0.2.2:11000"],
            runner.CommandLines.Where(l => l.StartsWith("drbdsetup disconnect", StringComparison.Ordinal)));
        var down = await Assert.ThrowsAsync<GanetiException>(() => driver.DisconnectNetAsync(Drbd(2), default));
        Assert.Contains("not assembled", down.Message);
    }

    [Fact]
    public async Task Reconnecting_allows_two_primaries_only_when_asked_and_only_from_standalone()
    {
        var (driver, runner) = Make();
        await driver.AttachNetAsync(Drbd(4), dualPrimary: true, default);
        var connect = Assert.Single(runner.CommandLines, l => l.StartsWith("drbdsetup connect", StringComparison.Ordinal));
        Assert.StartsWith("drbdsetup connect resource4 ipv4:192.0.2.1:11000 ipv4:192.0.2.2:11000 --protocol C", connect);
        Assert.Contains("--allow-two-primaries", connect);
        Assert.Contains("--shared-secret s3cr3t", connect);

        var (single, singleRunner) = Make();
        await single.AttachNetAsync(Drbd(4), dualPrimary: false, default);
        Assert.DoesNotContain(singleRunner.CommandLines, l => l.Contains("--allow-two-primaries"));

        var connected = await Assert.ThrowsAsync<GanetiException>(() => driver.AttachNetAsync(Drbd(0), true, default));
        Assert.Equal(ErrorCodes.WrongState, connected.Ecode);
        Assert.Contains("Connected, not StandAlone", connected.Message);
    }

    [Fact]
    public async Task Sync_progress_is_done_when_connected_pending_while_resyncing_or_waiting_and_fails_without_a_link()
    {
        var (driver, _) = Make();
        Assert.Equal((true, (double?)null), await driver.SyncProgressAsync(Drbd(0), default));
        Assert.Equal((false, (double?)31.4), await driver.SyncProgressAsync(Drbd(1), default));
        Assert.Equal((false, (double?)null), await driver.SyncProgressAsync(Drbd(3), default));
        var standalone = await Assert.ThrowsAsync<GanetiException>(() => driver.SyncProgressAsync(Drbd(4), default));
        Assert.Contains("StandAlone", standalone.Message);
    }
}
