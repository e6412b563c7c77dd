using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;
using Ganeti.NodeHelpers.Processes;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>
/// drbd (and plain) instances created and removed through the master. This machine's kernel
/// has neither device-mapper nor the DRBD module, so the nodes run their storage tools through
/// the recording command layer: the commands are recorded, not run, and a small model of LVM
/// answers lvs, vgs, lvcreate and lvremove. The tests check the commands each node would run,
/// and the configuration: minors per node, ports from the pool, the secret, both LVs per side.
/// </summary>
public class DrbdCreateTests
{
    private static Task<(TestCluster C, FakeStorageNode N2, FakeStorageNode N3)> ClusterAsync(Func<CommandSpec, bool>? failOnNode3 = null,
        long node3VgFreeMiB = 102400) =>
        FakeStorageNode.DrbdClusterAsync(failOnNode3: failOnNode3, node3VgFreeMiB: node3VgFreeMiB);

    private static JsonObject Drbd(string name, int size = 100) =>
        TestCluster.Create(name, "drbd", size, start: false, extra: new { pnode = "node2.test", snode = "node3.test" });

    private static void AssertOk(Job job) =>
        Assert.True(job.CalcStatus() == JobStatus.Success,
            string.Join("; ", job.Ops.Select(o => o.Result?.ToJsonString())) + "\n" + string.Join("\n", job.Ops.SelectMany(o => o.Log).Select(l => l.Message)));

    private static Disk DiskOf(TestCluster c, string name) => c.Service.ReadConfig().InstanceDisks(c.Service.ReadConfig().FindInstance(name)!)[0];

    [Fact]
    public async Task ADrbdDiskGetsLvsOnBothNodesAMinorOnEachAPortAndASecretAndIsPrimaryOnlyOnThePrimary()
    {
        var (c, n2, n3) = await ClusterAsync();
        await using var _ = c;
        AssertOk(await c.RunAsync(Drbd("db1")));
        var cfg = c.Service.ReadConfig();
        var (node2, node3) = (cfg.FindNode("node2.test")!.Uuid, cfg.FindNode("node3.test")!.Uuid);
        var disk = DiskOf(c, "db1");
        Assert.Equal("drbd", disk.DevType);
        Assert.Equal([node2, node3], disk.Nodes);
        Assert.Equal(node2, disk.LogicalId[0].GetString());
        Assert.Equal(node3, disk.LogicalId[1].GetString());
        var port = disk.LogicalId[2].GetInt32();
        Assert.InRange(port, 11000, 14999);
        Assert.Equal(0, disk.LogicalId[3].GetInt32());
        Assert.Equal(0, disk.LogicalId[4].GetInt32());
        Assert.Matches("^[0-9a-f]{40}$", disk.LogicalId[5].GetString());
        Assert.Equal([100L, 128L], disk.Children.Select(ch => ch.Size));
        Assert.Equal([$"{disk.Uuid}.disk0_data", $"{disk.Uuid}.disk0_meta"], disk.Children.Select(ch => ch.LogicalId[1].GetString()));

        foreach (var n in new[] { n2, n3 })
        {
            Assert.Equal(2, n.Lines("lvcreate").Count);
            Assert.Contains(n.Lines("lvcreate"), l => l.Contains("-L100m") && l.Contains($"-n{disk.Uuid}.disk0_data") && l.EndsWith(" xenvg", StringComparison.Ordinal));
            Assert.Contains(n.Lines("lvcreate"), l => l.Contains("-L128m") && l.Contains($"-n{disk.Uuid}.disk0_meta"));
            Assert.Contains(n.Lines("drbdmeta"), l => l.Contains("/dev/drbd0 v08") && l.EndsWith("create-md", StringComparison.Ordinal));
            Assert.Contains(n.Lines("drbdsetup"), l => l == "drbdsetup new-resource resource0");
            Assert.Contains(n.Lines("drbdsetup"), l => l.StartsWith("drbdsetup connect resource0", StringComparison.Ordinal) && l.Contains($"ipv4:127.0.0.1:{port}"));
            Assert.Contains(n.Lines("drbdsetup"), l => l.StartsWith("drbdsetup net-options", StringComparison.Ordinal) || l.Contains(disk.LogicalId[5].GetString()!));
        }
        Assert.Contains("drbdsetup primary 0", n2.Lines("drbdsetup"));
        Assert.DoesNotContain(n3.Lines("drbdsetup"), l => l.StartsWith("drbdsetup primary", StringComparison.Ordinal));

        // A second instance takes the next minor on each node and another port.
        AssertOk(await c.RunAsync(Drbd("db2")));
        var second = DiskOf(c, "db2");
        Assert.Equal(1, second.LogicalId[3].GetInt32());
        Assert.Equal(1, second.LogicalId[4].GetInt32());
        Assert.NotEqual(port, second.LogicalId[2].GetInt32());
    }

    [Fact]
    public async Task APlainDiskIsOneLvOnThePrimaryGrownAndRemovedThere()
    {
        var (c, n2, n3) = await ClusterAsync();
        await using var _ = c;
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.Cluster.EnabledDiskTemplates.Add("plain"));
        AssertOk(await c.RunAsync(TestCluster.Create("vol1", "plain", 64, start: false, extra: new { pnode = "node2.test" })));
        var disk = DiskOf(c, "vol1");
        Assert.Equal("plain", disk.DevType);
        Assert.Equal("xenvg", disk.LogicalId[0].GetString());
        var lv = disk.LogicalId[1].GetString()!;
        Assert.Equal([$"xenvg/{lv}"], n2.Volumes);
        Assert.Contains(n2.Lines("lvcreate"), l => l.Contains(lv) && l.Contains("xenvg"));
        Assert.Empty(n3.Volumes);
        Assert.Empty(n3.Lines("lvcreate"));

        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_GROW_DISK", new { instance_name = "vol1", disk = 0, amount = 32, wait_for_sync = false })));
        Assert.Contains(n2.Lines("lvextend"), l => l.Contains(lv));
        Assert.Equal(96, DiskOf(c, "vol1").Size);

        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_REMOVE", new { instance_name = "vol1" })));
        Assert.Empty(n2.Volumes);
        Assert.Single(n2.Lines("lvremove"));
    }

    [Fact]
    public async Task RemovalTearsDownBothSidesAndFreesTheMinorsAndThePort()
    {
        var (c, n2, n3) = await ClusterAsync();
        await using var _ = c;
        AssertOk(await c.RunAsync(Drbd("db1")));
        var port = DiskOf(c, "db1").LogicalId[2].GetInt32();
        Assert.Equal(2, n2.Volumes.Count);

        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_REMOVE", new { instance_name = "db1" })));
        foreach (var n in new[] { n2, n3 })
        {
            Assert.Empty(n.Volumes);
            Assert.Equal(2, n.Lines("lvremove").Count);
        }
        Assert.Contains(port, c.Service.ReadConfig().Cluster.TcpudpPortPool);

        AssertOk(await c.RunAsync(Drbd("db3")));
        var again = DiskOf(c, "db3");
        Assert.Equal(0, again.LogicalId[3].GetInt32());
        Assert.Equal(port, again.LogicalId[2].GetInt32());
    }

    [Fact]
    public async Task GrowingADrbdDiskGrowsTheDataVolumeOnBothNodesThenTheMirror()
    {
        var (c, n2, n3) = await ClusterAsync();
        await using var _ = c;
        AssertOk(await c.RunAsync(Drbd("db1")));
        // Brought up once to be made, then shut down since the instance is not started.
        Assert.Contains("drbdsetup down resource0", n2.Lines("drbdsetup"));
        Assert.DoesNotContain("cs:", n2.ProcDrbd());
        var grow = TestCluster.Op("OP_INSTANCE_GROW_DISK", new { instance_name = "db1", disk = 0, amount = 50 });
        var refused = await c.RunAsync(grow);
        Assert.Contains("not assembled", refused.Ops[0].Result!.ToJsonString());

        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_ACTIVATE_DISKS", new { instance_name = "db1" })));
        Assert.Contains("ro:Primary/Secondary", n2.ProcDrbd());
        Assert.Contains("ro:Secondary/Primary", n3.ProcDrbd());
        AssertOk(await c.RunAsync(grow));
        var data = $"xenvg/{DiskOf(c, "db1").Uuid}.disk0_data";
        foreach (var n in new[] { n2, n3 })
        {
            Assert.Contains(n.Lines("lvextend"), l => l.Contains("-L +50m") && !l.Contains("--test") && l.EndsWith(data, StringComparison.Ordinal));
            Assert.Contains("drbdsetup resize 0 --size 150m", n.Lines("drbdsetup"));
        }
        Assert.Equal(150, DiskOf(c, "db1").Size);
    }

    [Fact]
    public async Task AFailureOnTheSecondaryRemovesWhatWasMadeOnThePrimary()
    {
        var (c, n2, n3) = await ClusterAsync(failOnNode3: cmd => cmd.Arguments.Any(a => a.EndsWith("_meta", StringComparison.Ordinal)));
        await using var _ = c;
        var job = await c.RunAsync(Drbd("db1"));
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        Assert.Contains("insufficient free space", job.Ops[0].Result!.ToJsonString());

        Assert.Equal(2, n2.Lines("lvcreate").Count);
        Assert.Empty(n2.Volumes);
        Assert.Empty(n3.Volumes);
        var cfg = c.Service.ReadConfig();
        Assert.Empty(cfg.Instances);
        Assert.Empty(cfg.Disks);
        Assert.NotEmpty(cfg.Cluster.TcpudpPortPool);
    }

    [Fact]
    public async Task TheAllocatorChoosesBothNodes()
    {
        var (c, n2, n3) = await ClusterAsync();
        await using var _ = c;
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.MasterNode.Drained = true);
        // 1 GiB: the smallest disk the default instance policy allows. The nodes' free disk is
        // their volume group's, as vgs reports it.
        var op = Drbd("db1", 1024);
        op.Remove("pnode");
        op.Remove("snode");
        op["iallocator"] = "hail";
        var job = await c.RunAsync(op);
        AssertOk(job);
        var cfg = c.Service.ReadConfig();
        var disk = DiskOf(c, "db1");
        var chosen = disk.Nodes.Select(n => cfg.Nodes[n].Name).Order().ToList();
        Assert.Equal(["node2.test", "node3.test"], chosen);
        Assert.Equal(cfg.FindInstance("db1")!.PrimaryNode, disk.LogicalId[0].GetString());
        Assert.Contains(job.Ops[0].Log, l => l.Message.StartsWith("Instance allocator hail chose nodes ", StringComparison.Ordinal));
        Assert.Equal(2, n2.Lines("lvcreate").Count);
        Assert.Equal(2, n3.Lines("lvcreate").Count);
    }

    [Fact]
    public async Task TheAllocatorCountsTheVolumeGroupsFreeSpace()
    {
        // node3's volume group has 512 MiB free: no room for the secondary side of a 1 GiB disk.
        var (c, _, n3) = await ClusterAsync(node3VgFreeMiB: 512);
        await using var _ = c;
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.MasterNode.Drained = true);
        var op = Drbd("db1", 1024);
        op.Remove("pnode");
        op.Remove("snode");
        op["iallocator"] = "hail";
        var job = await c.RunAsync(op);
        Assert.Equal(Ganeti.Core.Errors.ErrorCodes.InsufficientResources, Ganeti.Core.Errors.GanetiException.FromWire(job.Ops[0].Result)!.Ecode);
        Assert.Contains("FailDisk", job.Ops[0].Result!.ToJsonString());
        Assert.Empty(n3.Lines("lvcreate"));
    }

    [Fact]
    public async Task DrbdNeedsASecondaryNodeOtherThanThePrimary()
    {
        var (c, _, _) = await ClusterAsync();
        await using var __ = c;
        var none = await c.RunAsync(TestCluster.Create("db1", "drbd", 100, start: false, extra: new { pnode = "node2.test" }));
        Assert.Contains("needs a secondary node", none.Ops[0].Result!.ToJsonString());
        var same = await c.RunAsync(TestCluster.Create("db1", "drbd", 100, start: false, extra: new { pnode = "node2.test", snode = "node2.test" }));
        Assert.Contains("cannot be the primary", same.Ops[0].Result!.ToJsonString());
        Assert.Empty(c.Service.ReadConfig().Instances);
    }
}
