using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>gnt-instance modify through the whole stack on the fake hypervisor and file disks.</summary>
public class InstanceModifyTests
{
    private static JsonObject Modify(string name, object fields)
    {
        var op = TestCluster.Op("OP_INSTANCE_SET_PARAMS", fields);
        op["instance_name"] = name;
        return op;
    }

    private static GanetiException Failure(Job job) =>
        GanetiException.FromWire(job.Ops.First(o => o.Status == JobStatus.Error).Result)!;

    private static async Task<GanetiException> FailsAsync(TestCluster c, JsonObject op, string ecode, string fragment)
    {
        var job = await c.RunAsync(op);
        Assert.True(job.CalcStatus() == JobStatus.Error, $"expected {ecode} ({fragment}), got {job.CalcStatus()}");
        var e = Failure(job);
        Assert.True(ecode == e.Ecode, $"{e.Ecode}: {e.Message}");
        Assert.True(e.Message.Contains(fragment, StringComparison.Ordinal), $"expected '{fragment}' in: {e.Message}");
        return e;
    }

    private static async Task<JsonArray> SucceedsAsync(TestCluster c, JsonObject op)
    {
        var job = await c.RunAsync(op);
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        return job.Ops[0].Result!.AsArray();
    }

    private static Dictionary<string, string?> Pairs(JsonArray result) =>
        result.Select(p => p!.AsArray()).ToDictionary(p => p[0]!.GetValue<string>(),
            p => p[1] is JsonValue v && v.TryGetValue<string>(out var text) ? text : p[1]?.ToJsonString());

    private static Core.Config.Instance Inst(TestCluster c, string name = "web1") => c.Service.ReadConfig().FindInstance(name)!;

    private static async Task<TestCluster> StoppedAsync(string template = "diskless", int? size = null)
    {
        var c = new TestCluster();
        var job = await c.RunAsync(TestCluster.Create("web1", template, size, start: false));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        return c;
    }

    [Fact]
    public async Task NothingToChangeIsRefused()
    {
        await using var c = await StoppedAsync();
        await FailsAsync(c, Modify("web1", new { }), ErrorCodes.WrongInput, "No changes submitted");
    }

    [Fact]
    public async Task AnUnknownInstanceIsNamed()
    {
        await using var c = await StoppedAsync();
        await FailsAsync(c, Modify("nosuch", new { beparams = new { vcpus = 2 } }), ErrorCodes.UnknownEntity, "nosuch");
    }

    [Fact]
    public async Task HvparamsAreValidatedByTheHypervisorAndDefaultRemovesTheOverride()
    {
        await using var c = await StoppedAsync();
        var serial = c.Service.ReadConfig().SerialNo;
        await FailsAsync(c, Modify("web1", new { hvparams = new { no_such_param = "x" } }), ErrorCodes.WrongInput, "no_such_param");
        await FailsAsync(c, Modify("web1", new { hvparams = new { migration_mode = "sideways" } }), ErrorCodes.WrongInput, "migration_mode");
        Assert.Equal(serial, c.Service.ReadConfig().SerialNo);

        var result = await SucceedsAsync(c, Modify("web1", new { hvparams = new { migration_mode = "non-live" } }));
        Assert.Equal("non-live", Pairs(result)["hv/migration_mode"]);
        Assert.Equal("non-live", Inst(c).Hvparams["migration_mode"].GetString());

        await SucceedsAsync(c, Modify("web1", new { hvparams = new { migration_mode = "default" } }));
        Assert.False(Inst(c).Hvparams.ContainsKey("migration_mode"));
    }

    [Fact]
    public async Task MemorySetsMaximumAndMinimumAndTheRangeIsChecked()
    {
        await using var c = await StoppedAsync();
        var result = await SucceedsAsync(c, Modify("web1", new { beparams = new { memory = 256, vcpus = 2 } }));
        var be = Inst(c).Beparams;
        Assert.Equal(256, be["maxmem"].GetInt64());
        Assert.Equal(256, be["minmem"].GetInt64());
        Assert.Equal(2, be["vcpus"].GetInt64());
        Assert.Equal("256", Pairs(result)["be/maxmem"]);

        await FailsAsync(c, Modify("web1", new { beparams = new { minmem = 512 } }), ErrorCodes.WrongInput, "cannot be greater than maximum");
        await FailsAsync(c, Modify("web1", new { beparams = new { vcpus = "many" } }), ErrorCodes.WrongInput, "vcpus");
        await FailsAsync(c, Modify("web1", new { beparams = new { colour = "red" } }), ErrorCodes.WrongInput, "colour");

        await SucceedsAsync(c, Modify("web1", new { beparams = new { maxmem = "default", minmem = "default" } }));
        Assert.False(Inst(c).Beparams.ContainsKey("maxmem"));
    }

    [Fact]
    public async Task TheInstancePolicyBoundsBackendParametersUnlessIgnored()
    {
        await using var c = await StoppedAsync();
        // The default policy allows at most 8 CPUs.
        await FailsAsync(c, Modify("web1", new { beparams = new { vcpus = 64 } }), ErrorCodes.WrongInput, "instance policy");
        var job = await c.RunAsync(Modify("web1", new { beparams = new { vcpus = 64 }, ignore_ipolicy = true }));
        Assert.Equal(JobStatus.Success, job.CalcStatus());
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("instance policy"));
        Assert.Equal(64, Inst(c).Beparams["vcpus"].GetInt64());
    }

    [Fact]
    public async Task GrowingMemoryChecksThePrimarysFreeMemoryUnlessForced()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1"));
        c.Intercept("node1.test", NodeProcedures.NodeInfo, _ => JsonNode.Parse(
            """{"name":"node1.test","hypervisors":{"fake":{"memory_total":1024,"memory_free":100,"cpu_total":4}}}"""));
        var e = await FailsAsync(c, Modify("web1", new { beparams = new { maxmem = 1024 } }), ErrorCodes.InsufficientResources, "node1.test");
        Assert.Contains("memory missing", e.Message);
        await SucceedsAsync(c, Modify("web1", new { beparams = new { maxmem = 1024 }, force = true }));
        Assert.Equal(1024, Inst(c).Beparams["maxmem"].GetInt64());
    }

    [Fact]
    public async Task RuntimeMemoryBalloonsARunningInstanceWithinItsRange()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1", extra: new { beparams = new { minmem = 64, maxmem = 256 } }));
        var result = await SucceedsAsync(c, Modify("web1", new { runtime_mem = 96 }));
        Assert.Equal("96", Pairs(result)["runtime_memory"]);
        var q = await c.Service.QueryAsync("instance", ["oper_ram"], new JsonArray("=", "name", "web1"), CancellationToken.None);
        Assert.Equal(96, q.Data[0][0].Value!.GetValue<long>());

        await FailsAsync(c, Modify("web1", new { runtime_mem = 512 }), ErrorCodes.WrongInput, "between 64 and 256");
        await FailsAsync(c, Modify("web1", new { runtime_mem = 32 }), ErrorCodes.WrongInput, "unless force");
        await SucceedsAsync(c, Modify("web1", new { runtime_mem = 32, force = true }));

        await c.RunAsync(TestCluster.Op("OP_INSTANCE_SHUTDOWN", new { instance_name = "web1" }));
        await FailsAsync(c, Modify("web1", new { runtime_mem = 128 }), ErrorCodes.WrongState, "not running");
    }

    [Fact]
    public async Task TheOsChangesOnlyOnAStoppedInstanceToAnOsThePrimaryHas()
    {
        await using var c = new TestCluster();
        c.AddOs("alpha");
        c.AddOs("beta", variants: ["small", "big"]);
        await c.RunAsync(TestCluster.Create("web1", "file", 16, "alpha"));
        await FailsAsync(c, Modify("web1", new { os_name = "beta+small" }), ErrorCodes.WrongState, "stop it");
        await c.RunAsync(TestCluster.Op("OP_INSTANCE_SHUTDOWN", new { instance_name = "web1" }));
        await FailsAsync(c, Modify("web1", new { os_name = "nosuchos" }), ErrorCodes.UnknownEntity, "nosuchos");
        await FailsAsync(c, Modify("web1", new { os_name = "beta" }), ErrorCodes.WrongInput, "needs a variant");
        await FailsAsync(c, Modify("web1", new { os_name = "beta+huge" }), ErrorCodes.WrongInput, "no variant 'huge'");
        var result = await SucceedsAsync(c, Modify("web1", new { os_name = "beta+small" }));
        Assert.Equal("beta+small", Pairs(result)["os"]);
        Assert.Equal("beta+small", Inst(c).Os);
        await SucceedsAsync(c, Modify("web1", new { os_name = "beta", force_variant = true }));
        Assert.Equal("beta", Inst(c).Os);
    }

    [Fact]
    public async Task OsParametersAreCheckedAgainstTheOsDeclaredParameters()
    {
        await using var c = new TestCluster();
        var dir = c.AddOs("alpha");
        File.WriteAllText(Path.Combine(dir, "parameters.list"), "size the size\n");
        await c.RunAsync(TestCluster.Create("web1", "file", 16, "alpha", start: false));
        await FailsAsync(c, Modify("web1", new { osparams = new { colour = "red" } }), ErrorCodes.WrongInput, "colour");
        var result = await SucceedsAsync(c, Modify("web1", new { osparams = new { size = "big" }, osparams_private = new { size = "secret" } }));
        Assert.Equal("big", Pairs(result)["os/size"]);
        Assert.Contains("redacted", Pairs(result)["os_private/size"]);
        Assert.DoesNotContain("secret", result.ToJsonString());
        Assert.Equal("big", Inst(c).Osparams["size"].GetString());
        Assert.Equal("secret", Inst(c).OsparamsPrivate["size"].GetString());
        await SucceedsAsync(c, Modify("web1", new { osparams = new { size = "default" } }));
        Assert.False(Inst(c).Osparams.ContainsKey("size"));
    }

    [Fact]
    public async Task OfflineAndOnlineNeedAStoppedInstance()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1"));
        await FailsAsync(c, Modify("web1", new { offline = true }), ErrorCodes.WrongState, "stopped first");
        await c.RunAsync(TestCluster.Op("OP_INSTANCE_SHUTDOWN", new { instance_name = "web1" }));
        var result = await SucceedsAsync(c, Modify("web1", new { offline = true }));
        Assert.Equal("offline", Pairs(result)["admin_state"]);
        Assert.Equal(AdminStates.Offline, Inst(c).AdminState);
        await SucceedsAsync(c, Modify("web1", new { offline = false }));
        Assert.Equal(AdminStates.Down, Inst(c).AdminState);
    }

    [Fact]
    public async Task NicsAreAddedModifiedAndRemovedInBothListForms()
    {
        await using var c = await StoppedAsync();
        var first = Inst(c).Nics.Single();

        // [op, index, params]: add a named NIC at the end with an explicit MAC.
        var result = await SucceedsAsync(c, Modify("web1", new
        {
            nics = new object[] { new object[] { "add", -1, new { name = "back", mac = "AA:00:00:11:22:33", link = "br1" } } },
        }));
        Assert.StartsWith("add:mac=aa:00:00:11:22:33", Pairs(result)["nic.1"]);
        var nics = Inst(c).Nics;
        Assert.Equal(2, nics.Count);
        Assert.Equal(first.Uuid, nics[0].Uuid);
        Assert.Equal("back", nics[1].Name);
        Assert.Equal("br1", nics[1].Nicparams["link"].GetString());

        // [index, params] (the old form) modifies; a new MAC can be generated.
        result = await SucceedsAsync(c, Modify("web1", new { nics = new object[] { new object[] { 0, new { mac = "generate", mode = "routed", ip = "192.0.2.5" } } } }));
        nics = Inst(c).Nics;
        Assert.NotEqual(first.Mac, nics[0].Mac);
        Assert.Matches("^aa:00:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$", nics[0].Mac);
        Assert.Equal(nics[0].Mac, Pairs(result)["nic.mac/0"]);
        Assert.Equal("192.0.2.5", nics[0].Ip);

        // By name; and [op, params] removes the last.
        await SucceedsAsync(c, Modify("web1", new { nics = new object[] { new object[] { "modify", "back", new { link = "br2" } } } }));
        Assert.Equal("br2", Inst(c).Nics[1].Nicparams["link"].GetString());
        result = await SucceedsAsync(c, Modify("web1", new { nics = new object[] { new object[] { "remove", new { } } } }));
        Assert.Equal("remove", Pairs(result)["nic.1"]);
        Assert.Single(Inst(c).Nics);
    }

    [Fact]
    public async Task NicRulesNameTheProblem()
    {
        await using var c = await StoppedAsync();
        await c.RunAsync(TestCluster.Create("web2", start: false));
        var otherMac = Inst(c, "web2").Nics.Single().Mac;
        static object[] NicOp(object p) => [new object[] { "add", -1, p }];
        await FailsAsync(c, Modify("web1", new { nics = NicOp(new { mac = otherMac }) }), ErrorCodes.NotUnique, otherMac);
        await FailsAsync(c, Modify("web1", new { nics = NicOp(new { mac = "zz:00" }) }), ErrorCodes.WrongInput, "Invalid MAC address 'zz:00'");
        await FailsAsync(c, Modify("web1", new { nics = NicOp(new { ip = "300.1.1.1" }) }), ErrorCodes.WrongInput, "Invalid IP address");
        await FailsAsync(c, Modify("web1", new { nics = NicOp(new { mode = "tunnel" }) }), ErrorCodes.WrongInput, "Invalid NIC mode 'tunnel'");
        await FailsAsync(c, Modify("web1", new { nics = NicOp(new { mode = "routed" }) }), ErrorCodes.WrongInput, "routed NIC needs an IP");
        await FailsAsync(c, Modify("web1", new { nics = NicOp(new { ip = "pool" }) }), ErrorCodes.WrongInput, "ip=pool");
        await FailsAsync(c, Modify("web1", new { nics = NicOp(new { network = "nonet" }) }), ErrorCodes.UnknownEntity, "nonet");
        await FailsAsync(c, Modify("web1", new { nics = new object[] { new object[] { "modify", 0, new { mac = "auto" } } } }),
            ErrorCodes.WrongInput, "'auto' is not a valid MAC");
        await FailsAsync(c, Modify("web1", new { nics = new object[] { new object[] { "modify", 5, new { link = "x" } } } }),
            ErrorCodes.WrongInput, "no NIC with index 5");
        await SucceedsAsync(c, Modify("web1", new { nics = new object[] { new object[] { "modify", 0, new { name = "front" } } } }));
        await FailsAsync(c, Modify("web1", new { nics = NicOp(new { name = "front" }) }), ErrorCodes.NotUnique, "'front'");
        await FailsAsync(c, Modify("web1", new { nics = new object[] { new object[] { "add", new { } }, new object[] { "remove", new { } } } }),
            ErrorCodes.WrongInput, "Only one NIC add or remove");
    }

    [Fact]
    public async Task DisksAreAddedRenamedAndRemovedOnAStoppedInstance()
    {
        await using var c = await StoppedAsync("file", 16);
        var result = await SucceedsAsync(c, Modify("web1", new { disks = new object[] { new object[] { "add", -1, new { size = 32, name = "data" } } } }));
        Assert.Equal("add:size=32,mode=rw", Pairs(result)["disk/1"]);
        var cfg = c.Service.ReadConfig();
        var disks = cfg.InstanceDisks(cfg.FindInstance("web1")!);
        Assert.Equal(2, disks.Count);
        Assert.Equal("disk/1", disks[1].IvName);
        Assert.Equal("data", disks[1].Name);
        var path = disks[1].LogicalId[1].GetString()!;
        Assert.Equal(32L * 1024 * 1024, new FileInfo(path).Length);
        Assert.Equal(Path.GetDirectoryName(disks[0].LogicalId[1].GetString()), Path.GetDirectoryName(path));

        result = await SucceedsAsync(c, Modify("web1", new { disks = new object[] { new object[] { "modify", "data", new { mode = "ro", name = "archive" } } } }));
        Assert.Equal("ro", Pairs(result)["disk.mode/1"]);
        cfg = c.Service.ReadConfig();
        Assert.Equal(("archive", "ro"), (cfg.Disks[disks[1].Uuid].Name, cfg.Disks[disks[1].Uuid].Mode));

        await FailsAsync(c, Modify("web1", new { disks = new object[] { new object[] { "modify", 0, new { size = 64 } } } }), ErrorCodes.WrongInput, "grow-disk");
        await FailsAsync(c, Modify("web1", new { disks = new object[] { new object[] { "add", -1, new { mode = "rw" } } } }), ErrorCodes.WrongInput, "needs a size");
        await FailsAsync(c, Modify("web1", new { disks = new object[] { new object[] { "modify", 0, new { name = "archive" } } } }),
            ErrorCodes.NotUnique, "'archive'");

        // Removing the first disk renumbers the rest and frees its storage.
        var firstPath = disks[0].LogicalId[1].GetString()!;
        await SucceedsAsync(c, Modify("web1", new { disks = new object[] { new object[] { "remove", 0, new { } } } }));
        cfg = c.Service.ReadConfig();
        var left = cfg.InstanceDisks(cfg.FindInstance("web1")!);
        Assert.Equal(disks[1].Uuid, left.Single().Uuid);
        Assert.Equal("disk/0", left.Single().IvName);
        Assert.False(cfg.Disks.ContainsKey(disks[0].Uuid));
        Assert.False(File.Exists(firstPath));
    }

    [Fact]
    public async Task DisksCannotBeAddedOrRemovedWhileTheInstanceRuns()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1", "file", 16));
        await FailsAsync(c, Modify("web1", new { disks = new object[] { new object[] { "add", -1, new { size = 8 } } } }), ErrorCodes.WrongState, "stopped instance");
        await FailsAsync(c, Modify("web1", new { disks = new object[] { new object[] { "remove", 0, new { } } } }), ErrorCodes.WrongState, "running");
        Assert.Single(Inst(c).Disks);
    }

    [Fact]
    public async Task AFailedDiskCreationLeavesNothingBehind()
    {
        await using var c = await StoppedAsync("file", 16);
        var before = c.Service.ReadConfig();
        c.Intercept("node1.test", NodeProcedures.BlockdevCreate, _ => throw GanetiException.Exec("disk full"));
        var job = await c.RunAsync(Modify("web1", new { disks = new object[] { new object[] { "add", -1, new { size = 8 } } }, beparams = new { vcpus = 2 } }));
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        Assert.True(Failure(job).Message.Contains("disk full"), Failure(job).Message);
        var after = c.Service.ReadConfig();
        Assert.Equal(before.Disks.Keys.Order(), after.Disks.Keys.Order());
        Assert.Equal(before.FindInstance("web1")!.Disks, after.FindInstance("web1")!.Disks);
        Assert.False(after.FindInstance("web1")!.Beparams.ContainsKey("vcpus"));
    }

    [Fact]
    public async Task DryRunChecksEverythingAndChangesNothing()
    {
        await using var c = await StoppedAsync("file", 16);
        var serial = c.Service.ReadConfig().SerialNo;
        var op = Modify("web1", new { beparams = new { vcpus = 2 }, disks = new object[] { new object[] { "add", -1, new { size = 8 } } } });
        op["dry_run"] = true;
        var result = await SucceedsAsync(c, op);
        Assert.Equal("2", Pairs(result)["be/vcpus"]);
        Assert.Equal(serial, c.Service.ReadConfig().SerialNo);
        Assert.Single(Inst(c).Disks);

        var bad = Modify("web1", new { beparams = new { minmem = 4096 } });
        bad["dry_run"] = true;
        await FailsAsync(c, bad, ErrorCodes.WrongInput, "minmem");
    }

    [Fact]
    public async Task ChangesToARunningInstanceWarnThatTheyApplyAtTheNextStart()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1"));
        var job = await c.RunAsync(Modify("web1", new { beparams = new { vcpus = 2 } }));
        Assert.Equal(JobStatus.Success, job.CalcStatus());
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("take effect when it is next restarted"));
    }

    [Theory]
    [InlineData("""{"disk_template": "plain"}""", "disk template")]
    [InlineData("""{"hotplug": true, "beparams": {"vcpus": 2}}""", "Hotplug is not supported")]
    [InlineData("""{"pnode": "node1.test"}""", "primary node")]
    [InlineData("""{"instance_communication": true}""", "Instance communication")]
    public async Task UnsupportedChangesAreRefusedByName(string fields, string fragment)
    {
        await using var c = await StoppedAsync();
        var op = JsonNode.Parse(fields)!.AsObject();
        op["OP_ID"] = "OP_INSTANCE_SET_PARAMS";
        op["instance_name"] = "web1";
        await FailsAsync(c, op, ErrorCodes.WrongInput, fragment);
    }

    [Fact]
    public async Task ADrbdDiskAddedByModifyGetsItsOwnMinorsPortAndVolumesAndRemovingItGivesThemBack()
    {
        var (c, n2, n3) = await FakeStorageNode.DrbdClusterAsync();
        await using var _ = c;
        await SucceedsAsync(c, TestCluster.Create("db1", "drbd", 100, start: false, extra: new { pnode = "node2.test", snode = "node3.test" }));

        await SucceedsAsync(c, Modify("db1", new { disks = new object[] { new object[] { "add", -1, new { size = 200 } } } }));
        var cfg = c.Service.ReadConfig();
        var disks = cfg.InstanceDisks(cfg.FindInstance("db1")!);
        Assert.Equal(2, disks.Count);
        var added = disks[1];
        Assert.Equal("drbd", added.DevType);
        Assert.Equal((1, 1), (added.LogicalId[3].GetInt32(), added.LogicalId[4].GetInt32()));
        Assert.NotEqual(disks[0].LogicalId[2].GetInt32(), added.LogicalId[2].GetInt32());
        foreach (var n in new[] { n2, n3 })
        {
            Assert.Contains(n.Lines("lvcreate"), l => l.Contains("-L200m") && l.Contains($"-n{added.Uuid}.disk1_data"));
            Assert.Contains(n.Lines("drbdmeta"), l => l.Contains("/dev/drbd1 v08") && l.EndsWith("create-md", StringComparison.Ordinal));
        }

        await SucceedsAsync(c, Modify("db1", new { disks = new object[] { new object[] { "remove", 1, new { } } } }));
        cfg = c.Service.ReadConfig();
        Assert.Single(cfg.FindInstance("db1")!.Disks);
        Assert.False(cfg.Disks.ContainsKey(added.Uuid));
        Assert.Contains(added.LogicalId[2].GetInt32(), cfg.Cluster.TcpudpPortPool);
        foreach (var n in new[] { n2, n3 })
            Assert.Contains(n.Lines("lvremove"), l => l.Contains($"{added.Uuid}.disk1_data"));
    }

    [Fact]
    public async Task NicAddressesComeFromTheNetworkPoolAndConflictsAreRefusedUnlessAllowed()
    {
        await using var c = await StoppedAsync();
        await c.Daemon.Context.Config.UpdateAsync(cfg =>
        {
            // 192.0.2.0/29: .0 and .7 are never handed out, .1 is the gateway, .2 is reserved externally.
            cfg.Networks["net-uuid"] = new Core.Config.Network
            {
                Uuid = "net-uuid", Name = "net1", Network4 = "192.0.2.0/29", Gateway = "192.0.2.1",
                Reservations = "00000000", ExtReservations = "00100000",
            };
            cfg.Nodegroups[cfg.MasterNode.Group].Networks["net-uuid"] = new()
            {
                ["mode"] = Params.Value("bridged"), ["link"] = Params.Value("br-net1"),
            };
        });
        static object[] Add(object p) => [new object[] { "add", -1, p }];

        await SucceedsAsync(c, Modify("web1", new { nics = Add(new { network = "net1", ip = "pool" }) }));
        var nic = Inst(c).Nics[1];
        Assert.Equal(("192.0.2.3", "net-uuid"), (nic.Ip, nic.Network));
        Assert.Equal("br-net1", nic.Nicparams["link"].GetString());

        await c.RunAsync(TestCluster.Create("web2", start: false));
        await FailsAsync(c, Modify("web2", new { nics = Add(new { network = "net1", ip = "192.0.2.3" }) }), ErrorCodes.NotUnique, "web1");
        await FailsAsync(c, Modify("web2", new { nics = Add(new { network = "net1", ip = "192.0.2.2" }) }), ErrorCodes.NotUnique, "192.0.2.2");
        await FailsAsync(c, Modify("web2", new { nics = Add(new { network = "net1", ip = "198.51.100.1" }) }), ErrorCodes.WrongInput, "not in network net1");
        await FailsAsync(c, Modify("web2", new { nics = Add(new { network = "net1", link = "br0" }) }), ErrorCodes.WrongInput, "mode and link must not");

        var job = await c.RunAsync(Modify("web2", new { nics = Add(new { network = "net1", ip = "192.0.2.3" }), conflicts_check = false }));
        Assert.Equal(JobStatus.Success, job.CalcStatus());
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("already in use"));
        await SucceedsAsync(c, Modify("web2", new { nics = Add(new { network = "net1", ip = "pool" }) }));
        Assert.Equal("192.0.2.4", Inst(c, "web2").Nics[2].Ip);
    }
}
