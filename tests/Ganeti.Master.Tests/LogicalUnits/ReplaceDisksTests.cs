using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>
/// replace-disks on drbd instances through the master, on in-process nodes whose LVM and DRBD
/// run through the recording command layer with a model of their state (this machine's kernel
/// has neither device-mapper nor DRBD): the commands each node runs, in order, the
/// configuration after each mode, what a failure part way leaves, minors and ports.
/// </summary>
public class ReplaceDisksTests
{
    private sealed record Lab(TestCluster C, DrbdNodeModel N2, DrbdNodeModel N3, DrbdNodeModel N4) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => C.DisposeAsync();
    }

    private static async Task<Lab> ClusterAsync()
    {
        var c = new TestCluster();
        await c.Daemon.Context.Config.UpdateAsync(cfg =>
        {
            cfg.Cluster.EnabledDiskTemplates.Add("drbd");
            cfg.Cluster.VolumeGroupName = "xenvg";
        });
        var (n2, n3, n4) = (new DrbdNodeModel(), new DrbdNodeModel(), new DrbdNodeModel());
        await c.AddFakeNodeAsync("node2.test", 8192, storageCommands: n2.Runner, procDrbd: n2.ProcDrbd);
        await c.AddFakeNodeAsync("node3.test", 8192, storageCommands: n3.Runner, procDrbd: n3.ProcDrbd);
        await c.AddFakeNodeAsync("node4.test", 8192, storageCommands: n4.Runner, procDrbd: n4.ProcDrbd);
        return new Lab(c, n2, n3, n4);
    }

    private static JsonObject Drbd(string name, string pnode = "node2.test", string snode = "node3.test", int size = 100) =>
        TestCluster.Create(name, "drbd", size, start: false, extra: new { pnode, snode });

    private static JsonObject Replace(string name, string mode, object? extra = null)
    {
        var op = TestCluster.Op("OP_INSTANCE_REPLACE_DISKS", new { instance_name = name, mode });
        if (extra is not null)
            foreach (var (k, v) in System.Text.Json.JsonSerializer.SerializeToNode(extra)!.AsObject())
                op[k] = v?.DeepClone();
        return op;
    }

    private static void AssertOk(Job job) =>
        Assert.True(job.CalcStatus() == JobStatus.Success,
            string.Join("; ", job.Ops.Select(o => o.Result?.ToJsonString())) + "\n" + string.Join("\n", job.Ops.SelectMany(o => o.Log).Select(l => l.Message)));

    private static string ErrorOf(Job job)
    {
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        return job.Ops.First(o => o.Status == JobStatus.Error).Result!.ToJsonString();
    }

    private static Disk DiskOf(TestCluster c, string name, int index = 0) =>
        c.Service.ReadConfig().InstanceDisks(c.Service.ReadConfig().FindInstance(name)!)[index];

    private static string Uuid(TestCluster c, string node) => c.Service.ReadConfig().FindNode(node)!.Uuid;

    private static string[] LvNames(Disk drbd) => [.. drbd.Children.Select(ch => $"{ch.LogicalId[0].GetString()}/{ch.LogicalId[1].GetString()}")];

    [Fact]
    public async Task ReplacingOnTheSecondaryMakesNewVolumesSwapsThemUnderTheMirrorAndRemovesTheOldOnes()
    {
        await using var lab = await ClusterAsync();
        var c = lab.C;
        AssertOk(await c.RunAsync(Drbd("db1")));
        var before = DiskOf(c, "db1");
        var (data, meta) = (LvNames(before)[0], LvNames(before)[1]);
        var (mark2, mark3) = (lab.N2.Runner.Commands.Count, lab.N3.Runner.Commands.Count);

        var job = await c.RunAsync(Replace("db1", "replace_on_secondary"));
        AssertOk(job);

        var steps = lab.N3.ChangesSince(mark3);
        // Brought up (the disks were not active), new volumes made, the old detached and set
        // aside, the new renamed into their place and attached with fresh metadata, old removed.
        var newData = steps.Single(l => l.StartsWith("lvcreate -L100m", StringComparison.Ordinal)).Split(' ').First(w => w.StartsWith("-n", StringComparison.Ordinal))[2..];
        var newMeta = steps.Single(l => l.StartsWith("lvcreate -L128m", StringComparison.Ordinal)).Split(' ').First(w => w.StartsWith("-n", StringComparison.Ordinal))[2..];
        Assert.EndsWith(".disk0_data", newData);
        Assert.EndsWith(".disk0_meta", newMeta);
        Assert.DoesNotContain(newData, data);
        var stamp = steps.First(l => l.StartsWith("lvrename", StringComparison.Ordinal)).Split('-')[^1];
        var (dataLv, metaLv) = (data.Split('/')[1], meta.Split('/')[1]);
        var expected = new List<string>
        {
            "drbdsetup detach 0",
            $"lvrename xenvg {dataLv} {dataLv}_replaced-{stamp}",
            $"lvrename xenvg {metaLv} {metaLv}_replaced-{stamp}",
            $"lvrename xenvg {newData} {dataLv}",
            $"lvrename xenvg {newMeta} {metaLv}",
            $"drbdmeta --force /dev/drbd0 v08 /dev/{meta} flex-external create-md",
        };
        var swap = steps.SkipWhile(l => l != "drbdsetup detach 0").Take(expected.Count).ToList();
        Assert.Equal(expected, swap);
        var afterSwap = steps.SkipWhile(l => l != "drbdsetup detach 0").Skip(expected.Count).ToList();
        Assert.StartsWith($"drbdsetup attach 0 /dev/{data} /dev/{meta} flexible", afterSwap[0]);
        Assert.StartsWith("drbdsetup disk-options 0", afterSwap[1]);
        Assert.Contains($"lvremove -f xenvg/{dataLv}_replaced-{stamp}", afterSwap);
        Assert.Contains($"lvremove -f xenvg/{metaLv}_replaced-{stamp}", afterSwap);
        Assert.Equal("drbdsetup down resource0", afterSwap[^1]);

        // Only the secondary's volumes changed; the names stay, the volumes are new ones.
        Assert.Equal([data, meta], lab.N3.Volumes.Order());
        Assert.Equal([data, meta], lab.N2.Volumes.Order());
        Assert.DoesNotContain(lab.N2.ChangesSince(mark2), l => l.StartsWith("lvcreate", StringComparison.Ordinal) || l.StartsWith("drbdsetup detach", StringComparison.Ordinal));
        var after = DiskOf(c, "db1");
        Assert.Equal(LvNames(before), LvNames(after));
        Assert.Equal(before.LogicalId.Select(e => e.ToString()), after.LogicalId.Select(e => e.ToString()));
        Assert.Empty(before.Children.Select(ch => ch.Uuid).Intersect(after.Children.Select(ch => ch.Uuid)));
        Assert.Empty(lab.N2.Minors);
        Assert.Empty(lab.N3.Minors);
        Assert.False(c.Service.ReadConfig().FindInstance("db1")!.DisksActive);
    }

    [Fact]
    public async Task ReplacingOnThePrimaryWorksOnThePrimaryAndLeavesActiveDisksActive()
    {
        await using var lab = await ClusterAsync();
        var c = lab.C;
        AssertOk(await c.RunAsync(Drbd("db1")));
        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_ACTIVATE_DISKS", new { instance_name = "db1" })));
        var mark3 = lab.N3.Runner.Commands.Count;
        var mark2 = lab.N2.Runner.Commands.Count;
        AssertOk(await c.RunAsync(Replace("db1", "replace_on_primary", new { early_release = true })));
        Assert.Contains("drbdsetup detach 0", lab.N2.ChangesSince(mark2));
        Assert.Equal(2, lab.N2.ChangesSince(mark2).Count(l => l.StartsWith("lvcreate", StringComparison.Ordinal)));
        Assert.Empty(lab.N3.ChangesSince(mark3));
        Assert.Equal(LvNames(DiskOf(c, "db1")).Order(), lab.N2.Volumes.Order());
        // Still up on both nodes, primary on the primary.
        Assert.Contains("ro:Primary/Secondary ds:UpToDate", lab.N2.ProcDrbd());
        Assert.True(c.Service.ReadConfig().FindInstance("db1")!.DisksActive);
    }

    [Fact]
    public async Task OnlyTheNamedDisksAreReplaced()
    {
        await using var lab = await ClusterAsync();
        var c = lab.C;
        var op = Drbd("db1");
        op["disks"] = new JsonArray(new JsonObject { ["size"] = 100 }, new JsonObject { ["size"] = 200 });
        AssertOk(await c.RunAsync(op));
        var mark = lab.N3.Runner.Commands.Count;
        AssertOk(await c.RunAsync(Replace("db1", "replace_on_secondary", new { disks = new[] { 1 } })));
        var steps = lab.N3.ChangesSince(mark);
        Assert.Equal(["lvcreate -L200m", "lvcreate -L128m"], steps.Where(l => l.StartsWith("lvcreate", StringComparison.Ordinal)).Select(l => string.Join(' ', l.Split(' ').Take(2))));
        Assert.Contains("drbdsetup detach 1", steps);
        Assert.DoesNotContain("drbdsetup detach 0", steps);
        Assert.Equal(4, lab.N3.Volumes.Count);
    }

    [Fact]
    public async Task ANewSecondaryGetsVolumesAndAFreeMinorTheMirrorMovesAndTheOldSecondaryIsEmptied()
    {
        await using var lab = await ClusterAsync();
        var c = lab.C;
        // node4 already holds minor 0 for another instance: the moved disk must take minor 1.
        AssertOk(await c.RunAsync(Drbd("other", "node4.test", "node2.test")));
        AssertOk(await c.RunAsync(Drbd("db1")));
        var before = DiskOf(c, "db1");
        var pool = c.Service.ReadConfig().Cluster.TcpudpPortPool.ToList();
        var mark2 = lab.N2.Runner.Commands.Count;
        var mark4 = lab.N4.Runner.Commands.Count;

        AssertOk(await c.RunAsync(Replace("db1", "replace_new_secondary", new { remote_node = "node4.test" })));

        var after = DiskOf(c, "db1");
        var (n2, n3, n4) = (Uuid(c, "node2.test"), Uuid(c, "node3.test"), Uuid(c, "node4.test"));
        Assert.Equal([n2, n4], after.Nodes);
        Assert.All(after.Children, ch => Assert.Equal([n2, n4], ch.Nodes));
        Assert.Equal(n2, after.LogicalId[0].GetString());
        Assert.Equal(n4, after.LogicalId[1].GetString());
        Assert.Equal(before.LogicalId[2].GetInt32(), after.LogicalId[2].GetInt32());
        Assert.Equal(before.LogicalId[3].GetInt32(), after.LogicalId[3].GetInt32());
        Assert.Equal(1, after.LogicalId[4].GetInt32());
        Assert.Equal(before.LogicalId[5].GetString(), after.LogicalId[5].GetString());
        Assert.Equal(pool, c.Service.ReadConfig().Cluster.TcpudpPortPool);
        var cfg = c.Service.ReadConfig();
        Assert.Equal([n4], cfg.SecondaryNodes(cfg.FindInstance("db1")!));

        // The new node: both volumes and metadata, then the minor brought up towards the primary.
        var steps4 = lab.N4.ChangesSince(mark4);
        Assert.Equal(2, steps4.Count(l => l.StartsWith("lvcreate", StringComparison.Ordinal)));
        Assert.Contains("drbdmeta --force /dev/drbd1 v08 /dev/" + LvNames(after)[1] + " flex-external create-md", steps4);
        Assert.Contains("drbdsetup new-minor resource1 1 0", steps4);
        Assert.Contains(steps4, l => l.StartsWith("drbdsetup connect resource1", StringComparison.Ordinal));
        // The primary: disconnected from the old peer, then connected to the new one.
        var steps2 = lab.N2.ChangesSince(mark2);
        var disconnect = steps2.FindIndex(l => l.StartsWith("drbdsetup disconnect", StringComparison.Ordinal));
        var connect = steps2.FindLastIndex(l => l.StartsWith("drbdsetup connect resource1", StringComparison.Ordinal));
        Assert.True(disconnect >= 0 && connect > disconnect, string.Join("\n", steps2));
        // The old secondary: minor stopped, volumes gone.
        Assert.Empty(lab.N3.Volumes);
        Assert.Empty(lab.N3.Minors);
        Assert.Equal(4, lab.N4.Volumes.Count);
        Assert.Equal(LvNames(after).Order(), lab.N4.Volumes.Where(v => v.Contains(after.Uuid)).Order());
        // The disks were not active: they are shut down again.
        Assert.DoesNotContain(1, lab.N2.Minors);
        Assert.Empty(lab.N4.Minors);
    }

    [Fact]
    public async Task TheAllocatorChoosesTheNewSecondary()
    {
        await using var lab = await ClusterAsync();
        var c = lab.C;
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.MasterNode.Drained = true);
        AssertOk(await c.RunAsync(Drbd("db1", size: 1024)));
        var job = await c.RunAsync(Replace("db1", "replace_new_secondary", new { iallocator = "hail" }));
        AssertOk(job);
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("Selected new secondary for instance db1: node4.test"));
        var cfg = c.Service.ReadConfig();
        Assert.Equal([Uuid(c, "node4.test")], cfg.SecondaryNodes(cfg.FindInstance("db1")!));
        Assert.Empty(lab.N3.Volumes);
    }

    [Fact]
    public async Task AFailureOnTheNewSecondaryLeavesTheInstanceAsItWasAndNothingOnTheNewNode()
    {
        await using var lab = await ClusterAsync();
        var c = lab.C;
        AssertOk(await c.RunAsync(Drbd("db1")));
        var before = DiskOf(c, "db1");
        lab.N4.Fail = cmd => cmd.FileName == "drbdmeta";
        var job = await c.RunAsync(Replace("db1", "replace_new_secondary", new { remote_node = "node4.test" }));
        Assert.Contains("simulated failure", ErrorOf(job));
        var after = DiskOf(c, "db1");
        Assert.Equal(before.Nodes, after.Nodes);
        Assert.Equal(before.LogicalId.Select(e => e.ToString()), after.LogicalId.Select(e => e.ToString()));
        Assert.Empty(lab.N4.Volumes);
        Assert.Empty(lab.N4.Minors);
        Assert.Equal(2, lab.N3.Volumes.Count);
        Assert.DoesNotContain(lab.N3.Runner.CommandLines, l => l.StartsWith("lvremove", StringComparison.Ordinal));
        // The primary was never disconnected.
        Assert.DoesNotContain(lab.N2.Lines("drbdsetup"), l => l.StartsWith("drbdsetup disconnect", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFailedAttachOfTheNewVolumesPutsTheOldOnesBackAndRemovesTheNew()
    {
        await using var lab = await ClusterAsync();
        var c = lab.C;
        AssertOk(await c.RunAsync(Drbd("db1")));
        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_ACTIVATE_DISKS", new { instance_name = "db1" })));
        var before = DiskOf(c, "db1");
        var volumes = lab.N3.Volumes.Order().ToList();
        var failed = 0;
        lab.N3.Fail = cmd => cmd.FileName == "drbdsetup" && cmd.Arguments[0] == "attach" && Interlocked.Increment(ref failed) == 1;
        var mark = lab.N3.Runner.Commands.Count;

        var job = await c.RunAsync(Replace("db1", "replace_on_secondary"));
        Assert.Contains("simulated failure", ErrorOf(job));

        var after = DiskOf(c, "db1");
        Assert.Equal(before.Children.Select(ch => ch.Uuid), after.Children.Select(ch => ch.Uuid));
        Assert.Equal(volumes, lab.N3.Volumes.Order());
        var steps = lab.N3.ChangesSince(mark);
        // The old volumes went back under their names and were reattached without new metadata.
        Assert.Single(steps, l => l.StartsWith("drbdmeta", StringComparison.Ordinal) && l.EndsWith("create-md", StringComparison.Ordinal));
        Assert.Equal(2, steps.Count(l => l.StartsWith("drbdsetup attach 0", StringComparison.Ordinal)));
        Assert.Equal(2, steps.Count(l => l.StartsWith("lvremove", StringComparison.Ordinal)));
        Assert.Contains("ds:UpToDate", lab.N3.ProcDrbd());
        Assert.True(c.Service.ReadConfig().FindInstance("db1")!.DisksActive);
    }

    [Fact]
    public async Task AFailedRenameRestoresTheNamesAndLeavesNoStrayVolumes()
    {
        await using var lab = await ClusterAsync();
        var c = lab.C;
        AssertOk(await c.RunAsync(Drbd("db1")));
        var volumes = lab.N3.Volumes.Order().ToList();
        // The second rename (the old metadata volume set aside) fails.
        var renames = 0;
        lab.N3.Fail = cmd => cmd.FileName == "lvrename" && Interlocked.Increment(ref renames) == 2;
        var job = await c.RunAsync(Replace("db1", "replace_on_secondary"));
        Assert.Contains("simulated failure", ErrorOf(job));
        Assert.Equal(volumes, lab.N3.Volumes.Order());
        Assert.Empty(lab.N3.Minors);
        Assert.Equal(LvNames(DiskOf(c, "db1")).Order(), volumes);
    }

    [Fact]
    public async Task AutomaticModeReplacesTheFaultyDisksOnTheirNodeOnly()
    {
        await using var lab = await ClusterAsync();
        var c = lab.C;
        AssertOk(await c.RunAsync(Drbd("db1")));
        var inactive = await c.RunAsync(Replace("db1", "replace_auto"));
        Assert.Contains("activate-disks", ErrorOf(inactive));

        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_ACTIVATE_DISKS", new { instance_name = "db1" })));
        var healthy = await c.RunAsync(Replace("db1", "replace_auto"));
        AssertOk(healthy);
        Assert.Contains(healthy.Ops[0].Log, l => l.Message.Contains("No disks of instance db1 need replacing"));

        lab.N3.LoseDisk(0);
        var mark2 = lab.N2.Runner.Commands.Count;
        var mark3 = lab.N3.Runner.Commands.Count;
        AssertOk(await c.RunAsync(Replace("db1", "replace_auto")));
        Assert.Equal(2, lab.N3.ChangesSince(mark3).Count(l => l.StartsWith("lvcreate", StringComparison.Ordinal)));
        Assert.DoesNotContain(lab.N2.ChangesSince(mark2), l => l.StartsWith("lvcreate", StringComparison.Ordinal));
        Assert.Contains("ds:UpToDate", lab.N3.ProcDrbd());
    }

    [Fact]
    public async Task BadRequestsAreRefusedWithTheReason()
    {
        await using var lab = await ClusterAsync();
        var c = lab.C;
        AssertOk(await c.RunAsync(Drbd("db1")));
        AssertOk(await c.RunAsync(TestCluster.Create("plain1", "diskless", start: false)));
        Assert.Contains("only drbd", ErrorOf(await c.RunAsync(Replace("plain1", "replace_on_secondary"))));
        Assert.Contains("remote_node", ErrorOf(await c.RunAsync(Replace("db1", "replace_new_secondary"))));
        Assert.Contains("primary node", ErrorOf(await c.RunAsync(Replace("db1", "replace_new_secondary", new { remote_node = "node2.test" }))));
        Assert.Contains("already the secondary", ErrorOf(await c.RunAsync(Replace("db1", "replace_new_secondary", new { remote_node = "node3.test" }))));
        Assert.Contains("only be given with mode replace_new_secondary",
            ErrorOf(await c.RunAsync(Replace("db1", "replace_on_primary", new { remote_node = "node4.test" }))));
        Assert.Contains("has no disk/3", ErrorOf(await c.RunAsync(Replace("db1", "replace_on_primary", new { disks = new[] { 3 } }))));
        var unknown = await c.RunAsync(Replace("db1", "replace_new_secondary", new { remote_node = "nosuch.test" }));
        Assert.Equal(ErrorCodes.UnknownEntity, GanetiException.FromWire(unknown.Ops[0].Result)!.Ecode);
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.FindNode("node4.test")!.Drained = true);
        Assert.Contains("drained", ErrorOf(await c.RunAsync(Replace("db1", "replace_new_secondary", new { remote_node = "node4.test" }))));
        Assert.Empty(lab.N4.Volumes);
    }

    /// <summary>Waits for the follow-up jobs of a finished job and returns them.</summary>
    private static async Task<List<Job>> FollowUpsAsync(TestCluster c, Job job)
    {
        AssertOk(job);
        var list = new List<Job>();
        foreach (var entry in job.Ops[0].Result!["jobs"]!.AsArray())
        {
            Assert.True(entry![0]!.GetValue<bool>(), entry.ToJsonString());
            list.Add(await c.WaitAsync(entry[1]!.GetValue<long>()));
        }
        return list;
    }

    private static void AssertNoSecondaries(TestCluster c, string node)
    {
        var cfg = c.Service.ReadConfig();
        var uuid = cfg.FindNode(node)!.Uuid;
        Assert.DoesNotContain(cfg.Instances.Values, i => cfg.SecondaryNodes(i).Contains(uuid));
        Assert.DoesNotContain(cfg.Disks.Values, d => d.Nodes.Contains(uuid) || d.Children.Any(ch => ch.Nodes.Contains(uuid)));
    }

    [Fact]
    public async Task EvacuatingSecondariesToARemoteNodeRunsTheDiskReplacementsAndEmptiesTheNode()
    {
        await using var lab = await ClusterAsync();
        var c = lab.C;
        AssertOk(await c.RunAsync(Drbd("db1")));
        AssertOk(await c.RunAsync(Drbd("db2")));
        AssertOk(await c.RunAsync(TestCluster.Op("OP_INSTANCE_ACTIVATE_DISKS", new { instance_name = "db2" })));
        var evacuation = await c.RunAsync(TestCluster.Op("OP_NODE_EVACUATE", new
        {
            node_name = "node3.test", mode = "secondary-only", remote_node = "node4.test", early_release = true,
        }));
        var jobs = await FollowUpsAsync(c, evacuation);
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, AssertOk);

        AssertNoSecondaries(c, "node3.test");
        Assert.Empty(lab.N3.Volumes);
        Assert.Empty(lab.N3.Minors);
        var cfg = c.Service.ReadConfig();
        var node4 = Uuid(c, "node4.test");
        foreach (var name in new[] { "db1", "db2" })
            Assert.Equal([node4], cfg.SecondaryNodes(cfg.FindInstance(name)!));
        // Two disks on node4 now, each with its own minor, and their volumes.
        Assert.Equal([0, 1], cfg.Disks.Values.Select(d => d.LogicalId[4].GetInt32()).Order());
        Assert.Equal(4, lab.N4.Volumes.Count);
        // db2's disks were active: it stays up, now mirrored to node4.
        Assert.Equal([cfg.InstanceDisks(cfg.FindInstance("db2")!)[0].LogicalId[4].GetInt32()], lab.N4.Minors);
    }

    [Fact]
    public async Task EvacuatingSecondariesWithTheAllocatorRunsTheDiskReplacementsAndEmptiesTheNode()
    {
        await using var lab = await ClusterAsync();
        var c = lab.C;
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.MasterNode.Drained = true);
        AssertOk(await c.RunAsync(Drbd("db1", "node2.test", "node3.test", 1024)));
        AssertOk(await c.RunAsync(Drbd("db2", "node4.test", "node3.test", 1024)));
        var evacuation = await c.RunAsync(TestCluster.Op("OP_NODE_EVACUATE", new { node_name = "node3.test", mode = "secondary-only", iallocator = "hail" }));
        var jobs = await FollowUpsAsync(c, evacuation);
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, AssertOk);
        AssertNoSecondaries(c, "node3.test");
        Assert.Empty(lab.N3.Volumes);
        var cfg = c.Service.ReadConfig();
        Assert.Equal([Uuid(c, "node4.test")], cfg.SecondaryNodes(cfg.FindInstance("db1")!));
        Assert.Equal([Uuid(c, "node2.test")], cfg.SecondaryNodes(cfg.FindInstance("db2")!));
    }
}
