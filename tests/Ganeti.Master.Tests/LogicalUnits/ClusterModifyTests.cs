using System.Text.Json;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Rpc;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

public class ClusterModifyTests
{
    private static Task<Job> Modify(TestCluster c, object fields) => c.RunAsync(TestCluster.Op("OP_CLUSTER_SET_PARAMS", fields));

    private static async Task<string> RefusedAsync(TestCluster c, object fields, string ecode = ErrorCodes.WrongInput)
    {
        var before = c.Service.ReadConfig().SerialNo;
        var job = await Modify(c, fields);
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        var e = GanetiException.FromWire(job.Ops[0].Result)!;
        Assert.Equal(ecode, e.Ecode);
        Assert.Equal(before, c.Service.ReadConfig().SerialNo);
        return e.Message;
    }

    /// <summary>Values the opcode's own types rule out are refused when the job is submitted.</summary>
    private static async Task<string> RejectedAsync(TestCluster c, object fields)
    {
        var e = await Assert.ThrowsAsync<GanetiException>(() => c.SubmitAsync(TestCluster.Op("OP_CLUSTER_SET_PARAMS", fields)));
        return e.Message;
    }

    private static async Task<Job> AppliedAsync(TestCluster c, object fields)
    {
        var job = await Modify(c, fields);
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        return job;
    }

    private static async Task OkAsync(Task<Job> run)
    {
        var job = await run;
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
    }

    private static Core.Config.Cluster Cluster(TestCluster c) => c.Service.ReadConfig().Cluster;

    [Fact]
    public async Task ScalarsAreChangedInOneConfigUpdate()
    {
        await using var c = new TestCluster();
        var before = c.Service.ReadConfig().SerialNo;
        await AppliedAsync(c, new
        {
            max_running_jobs = 7, max_tracked_jobs = 30, maintain_node_health = true, prealloc_wipe_disks = true,
            modify_etc_hosts = false, enabled_user_shutdown = true, mac_prefix = "AA:BB:CC", reserved_lvs = new[] { "xenvg/keep" },
            default_iallocator = "hail", default_iallocator_params = new { spindle = 1 },
        });
        var cfg = c.Service.ReadConfig();
        Assert.Equal(before + 1, cfg.SerialNo);
        Assert.Equal(7, cfg.Cluster.MaxRunningJobs);
        Assert.Equal(30, cfg.Cluster.MaxTrackedJobs);
        Assert.True(cfg.Cluster.MaintainNodeHealth);
        Assert.True(cfg.Cluster.PreallocWipeDisks);
        Assert.True(cfg.Cluster.EnabledUserShutdown);
        Assert.Equal("aa:bb:cc", cfg.Cluster.MacPrefix);
        Assert.Equal(["xenvg/keep"], cfg.Cluster.ReservedLvs);
        Assert.Equal("hail", cfg.Cluster.DefaultIallocator);
        var info = (await c.RunAsync(TestCluster.Op("OP_CLUSTER_QUERY"))).Ops[0].Result!;
        Assert.True(info["enabled_user_shutdown"]!.GetValue<bool>());
    }

    [Fact]
    public async Task DryRunChecksButChangesNothing()
    {
        await using var c = new TestCluster();
        var before = c.Service.ReadConfig().SerialNo;
        await AppliedAsync(c, new { max_running_jobs = 3, dry_run = true });
        Assert.Equal(before, c.Service.ReadConfig().SerialNo);
        Assert.Equal(20, Cluster(c).MaxRunningJobs);
        Assert.Contains("max_running_jobs", await RejectedAsync(c, new { max_running_jobs = 0, dry_run = true }));
        Assert.Contains("fake", await RefusedAsync(c, new { hvparams = new { fake = new { bogus = 1 } }, dry_run = true }));
    }

    [Fact]
    public async Task BadScalarsAreRefusedNamingTheParameter()
    {
        await using var c = new TestCluster();
        Assert.Contains("candidate_pool_size", await RejectedAsync(c, new { candidate_pool_size = 0 }));
        Assert.Contains("max_tracked_jobs", await RejectedAsync(c, new { max_tracked_jobs = -1 }));
        Assert.Contains("MAC address prefix", await RefusedAsync(c, new { mac_prefix = "aa:00" }));
        Assert.Contains("at least one modification", await RefusedAsync(c, new { }));
        Assert.Contains("iallocator", await RefusedAsync(c, new { default_iallocator = "no-such-allocator" }));
        Assert.Contains("master network device", await RefusedAsync(c, new { master_netdev = "eth9" }));
        Assert.Contains("netmask", await RefusedAsync(c, new { master_netmask = 40 }));
        Assert.Contains("hv_state", await RefusedAsync(c, new { hv_state = new { fake = new { mem_total = 1 } } }));
        Assert.Contains("use_external_mip_script", await RefusedAsync(c, new { use_external_mip_script = true }));
        Assert.Contains("Install image", await RefusedAsync(c, new { install_image = "relative.img" }));
        Assert.Contains("file_storage_dir", await RefusedAsync(c, new { file_storage_dir = "relative/dir" }));
    }

    [Fact]
    public async Task HvparamsAreTypeCheckedAndValidatedByTheHypervisor()
    {
        await using var c = new TestCluster();
        Assert.Contains("Unknown fake hypervisor parameter 'nonsense'",
            await RefusedAsync(c, new { hvparams = new { fake = new { nonsense = 1 } } }));
        Assert.Contains("migration_mode", await RefusedAsync(c, new { hvparams = new { fake = new { migration_mode = "sideways" } } }));
        Assert.Contains("unknown hypervisor 'vmware'", await RefusedAsync(c, new { hvparams = new { vmware = new { x = 1 } } }));
        Assert.Contains("kvm hypervisor parameter acpi must be a boolean",
            await RefusedAsync(c, new { hvparams = new { kvm = new { acpi = "maybe" } } }));
        await AppliedAsync(c, new { hvparams = new { fake = new { migration_mode = "non-live" } } });
        Assert.Equal("non-live", Cluster(c).Hvparams["fake"]["migration_mode"].GetString());
    }

    [Fact]
    public async Task OsHvpMergesAndDefaultOrNullRemoves()
    {
        await using var c = new TestCluster();
        await AppliedAsync(c, new { os_hvp = new Dictionary<string, object> { ["debian"] = new { fake = new { migration_mode = "non-live" } } } });
        Assert.Equal("non-live", Cluster(c).OsHvp["debian"]["fake"]["migration_mode"].GetString());
        Assert.Contains("os_hvp debian", await RefusedAsync(c,
            new { os_hvp = new Dictionary<string, object> { ["debian"] = new { fake = new { bogus = 1 } } } }));
        Assert.Contains("migration_mode", await RefusedAsync(c,
            new { os_hvp = new Dictionary<string, object> { ["debian"] = new { fake = new { migration_mode = "bad" } } } }));
        await AppliedAsync(c, new { os_hvp = new Dictionary<string, object> { ["debian"] = new { fake = new { migration_mode = "default" } } } });
        Assert.False(Cluster(c).OsHvp.ContainsKey("debian"));
        await AppliedAsync(c, new { os_hvp = new Dictionary<string, object> { ["debian+x"] = new { fake = new { migration_mode = "live" } } } });
        await AppliedAsync(c, new { os_hvp = new Dictionary<string, object?> { ["debian+x"] = new Dictionary<string, object?> { ["fake"] = null } } });
        Assert.Empty(Cluster(c).OsHvp);
    }

    [Fact]
    public async Task ClusterOsAndInstanceHvparamsLayerInGanetisOrder()
    {
        await using var c = new TestCluster();
        c.AddOs("debian", variants: ["small", "big"]);
        await AppliedAsync(c, new { hvparams = new { fake = new { migration_mode = "non-live" } } });
        await OkAsync(c.RunAsync(TestCluster.Create("plain1", os: "debian+big", start: false)));
        await OkAsync(c.RunAsync(TestCluster.Create("var1", os: "debian+small", start: false)));
        await OkAsync(c.RunAsync(TestCluster.Create("own1", os: "debian+small", start: false,
            extra: new { hvparams = new { migration_mode = "non-live" } })));
        await OkAsync(c.RunAsync(TestCluster.Create("other1", start: false)));
        await AppliedAsync(c, new { os_hvp = new Dictionary<string, object>
        {
            ["debian"] = new { fake = new { migration_mode = "live" } },
            ["debian+small"] = new { fake = new { migration_mode = "non-live" } },
        } });
        await AppliedAsync(c, new { os_hvp = new Dictionary<string, object> { ["debian+small"] = new { fake = new { migration_mode = "live" } } } });
        await AppliedAsync(c, new { os_hvp = new Dictionary<string, object> { ["debian"] = new { fake = new { migration_mode = "non-live" } } } });
        var cfg = c.Service.ReadConfig();
        string Mode(string name) => InstanceSpecs.FilledHvParams(cfg, cfg.FindInstance(name)!)["migration_mode"].GetString()!;
        Assert.Equal("non-live", Mode("other1")); // cluster
        Assert.Equal("non-live", Mode("plain1")); // os_hvp for the OS (no override for this variant)
        Assert.Equal("live", Mode("var1")); // the variant's os_hvp beats the OS's
        Assert.Equal("non-live", Mode("own1")); // the instance's own beats both
        await AppliedAsync(c, new { hvparams = new { fake = new { migration_mode = "live" } } });
        cfg = c.Service.ReadConfig();
        Assert.Equal("live", Mode("other1"));
        Assert.Equal("non-live", Mode("plain1"));
    }

    [Fact]
    public async Task RunningInstancesGetAWarningAboutNewHvparams()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1"));
        var job = await AppliedAsync(c, new { hvparams = new { fake = new { migration_mode = "non-live" } } });
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("web1") && l.Message.Contains("until they are restarted"));
    }

    [Fact]
    public async Task BeNicNdAndDiskParamsAreTypedAndMerged()
    {
        await using var c = new TestCluster();
        await AppliedAsync(c, new { beparams = new { memory = "256", vcpus = 2 }, nicparams = new { link = "br1" },
            ndparams = new { spindle_count = "4" }, diskparams = new { drbd = new Dictionary<string, object> { ["resync-rate"] = 2048 } } });
        var cl = Cluster(c);
        Assert.Equal(256, cl.Beparams["default"]["maxmem"].GetInt64());
        Assert.Equal(256, cl.Beparams["default"]["minmem"].GetInt64());
        Assert.Equal(2, cl.Beparams["default"]["vcpus"].GetInt64());
        Assert.True(cl.Beparams["default"]["auto_balance"].GetBoolean());
        Assert.Equal("br1", cl.Nicparams["default"]["link"].GetString());
        Assert.Equal(4, cl.Ndparams["spindle_count"].GetInt64());
        Assert.Equal(2048, cl.Diskparams["drbd"]["resync-rate"].GetInt64());
        Assert.Contains("Unknown backend parameter 'memmax'", await RefusedAsync(c, new { beparams = new { memmax = 1 } }));
        Assert.Contains("Backend parameter vcpus must be a positive integer", await RefusedAsync(c, new { beparams = new { vcpus = "two" } }));
        Assert.Contains("vcpus must be a positive integer", await RefusedAsync(c, new { beparams = new { vcpus = 0 } }));
        Assert.Contains("Invalid NIC mode 'bridge'", await RefusedAsync(c, new { nicparams = new { mode = "bridge" } }));
        Assert.Contains("Missing NIC link", await RefusedAsync(c, new { nicparams = new { link = "" } }));
        Assert.Contains("Unknown node parameter 'spindles'", await RefusedAsync(c, new { ndparams = new { spindles = 1 } }));
        Assert.Contains("ssh_port", await RefusedAsync(c, new { ndparams = new { ssh_port = 70000 } }));
        Assert.Contains("diskparams", await RejectedAsync(c, new { diskparams = new { lvm = new { stripes = 1 } } }));
        Assert.Contains("Unknown plain disk parameter", await RefusedAsync(c, new { diskparams = new { plain = new { stripe = 1 } } }));
    }

    [Fact]
    public async Task RoutedModeNeedsAnIpOnEveryInstanceNic()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1", start: false));
        var message = await RefusedAsync(c, new { nicparams = new { mode = "routed" } });
        Assert.Contains("web1", message);
        Assert.Contains("routed mode requires an IP", message);
    }

    [Fact]
    public async Task OsParamsMergeAndDefaultRemoves()
    {
        await using var c = new TestCluster();
        await AppliedAsync(c, new { osparams = new Dictionary<string, object> { ["debian"] = new { dhcp = "yes", mirror = "x" } },
            osparams_private_cluster = new Dictionary<string, object> { ["debian"] = new { secret = "s" } } });
        await AppliedAsync(c, new { osparams = new Dictionary<string, object?> { ["debian"] = new Dictionary<string, object?> { ["dhcp"] = null, ["mirror"] = "y" } } });
        Assert.Equal(["mirror"], Cluster(c).Osparams["debian"].Keys);
        Assert.Equal("y", Cluster(c).Osparams["debian"]["mirror"].GetString());
        Assert.Equal("s", Cluster(c).OsparamsPrivateCluster["debian"]["secret"].GetString());
        await AppliedAsync(c, new { osparams = new Dictionary<string, object> { ["debian"] = new { mirror = "default" } } });
        Assert.False(Cluster(c).Osparams.ContainsKey("debian"));
    }

    [Fact]
    public async Task IpolicyIsMergedThenCheckedAsAWhole()
    {
        await using var c = new TestCluster();
        await AppliedAsync(c, new { ipolicy = new Dictionary<string, object> { ["std"] = new Dictionary<string, int> { ["memory-size"] = 256 }, ["vcpu-ratio"] = 2.5 } });
        var policy = Cluster(c).Ipolicy;
        Assert.Equal(256, policy["std"].GetProperty("memory-size").GetInt64());
        Assert.Equal(1, policy["std"].GetProperty("cpu-count").GetInt64());
        Assert.Equal(2.5, policy["vcpu-ratio"].GetDouble());
        Assert.Contains("memory-size std value 65536 is not between",
            await RefusedAsync(c, new { ipolicy = new Dictionary<string, object> { ["std"] = new Dictionary<string, int> { ["memory-size"] = 65536 } } }));
        var minmax = new[] { new Dictionary<string, object>
        {
            ["min"] = new Dictionary<string, int> { ["cpu-count"] = 4, ["disk-count"] = 1, ["disk-size"] = 1, ["memory-size"] = 1, ["nic-count"] = 1, ["spindle-use"] = 1 },
            ["max"] = new Dictionary<string, int> { ["cpu-count"] = 2, ["disk-count"] = 1, ["disk-size"] = 1, ["memory-size"] = 1024, ["nic-count"] = 1, ["spindle-use"] = 1 },
        } };
        Assert.Contains("cpu-count has min 4 above max 2", await RefusedAsync(c, new { ipolicy = new { minmax } }));
        Assert.Contains("spindle-ratio must be positive", await RefusedAsync(c, new { ipolicy = new Dictionary<string, object> { ["spindle-ratio"] = 0 } }));
        Assert.Contains("Can't unset ipolicy attribute 'vcpu-ratio'", await RefusedAsync(c, new Dictionary<string, object> { ["ipolicy"] = new Dictionary<string, object> { ["vcpu-ratio"] = "default" } }));
        Assert.Contains("not enabled on the cluster: plain",
            await RefusedAsync(c, new Dictionary<string, object> { ["ipolicy"] = new Dictionary<string, object> { ["disk-templates"] = new[] { "file", "plain" } } }));
        Assert.Contains("Unknown ipolicy parameter 'cpu-ratio'", await RefusedAsync(c, new Dictionary<string, object> { ["ipolicy"] = new Dictionary<string, object> { ["cpu-ratio"] = 1 } }));
    }

    [Fact]
    public async Task HypervisorsInUseCannotBeDisabled()
    {
        await using var c = new TestCluster();
        Assert.Contains("At least one hypervisor", await RefusedAsync(c, new { enabled_hypervisors = Array.Empty<string>() }));
        Assert.Contains("enabled_hypervisors", await RejectedAsync(c, new { enabled_hypervisors = new[] { "vmware" } }));
        await c.RunAsync(TestCluster.Create("web1", start: false));
        Assert.Contains("Cannot disable hypervisor 'fake': instance(s) web1 use it",
            await RefusedAsync(c, new { enabled_hypervisors = new[] { "kvm" } }, ErrorCodes.WrongState));
    }

    [Fact]
    public async Task DiskTemplatesInUseCannotBeDisabledAndStorageMustFollow()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("web1", start: false));
        Assert.Contains("Cannot disable disk template 'diskless', because instance(s) web1 use it",
            await RefusedAsync(c, new { enabled_disk_templates = new[] { "file" } }, ErrorCodes.WrongState));
        Assert.Contains("enabled_disk_templates", await RejectedAsync(c, new { enabled_disk_templates = new[] { "lvm" } }));
        Assert.Contains("volume group", await RefusedAsync(c, new { enabled_disk_templates = new[] { "diskless", "file", "plain" } }));
        Assert.Contains("file_storage_dir", await RefusedAsync(c, new { file_storage_dir = "" }));
        // Once the policy allows only enabled templates, disabling one needs the policy changed with it.
        await AppliedAsync(c, new Dictionary<string, object> { ["ipolicy"] = new Dictionary<string, object> { ["disk-templates"] = new[] { "diskless", "file" } } });
        Assert.Contains("not enabled on the cluster: file", await RefusedAsync(c, new { enabled_disk_templates = new[] { "diskless" } }));
        // The nodes must be able to hold disks of a newly enabled template: this node has no xenvg.
        var noVg = await RefusedAsync(c, new Dictionary<string, object>
        {
            ["enabled_disk_templates"] = new[] { "diskless", "file", "plain" },
            ["vg_name"] = "xenvg",
            ["ipolicy"] = new Dictionary<string, object> { ["disk-templates"] = new[] { "diskless", "plain" } },
        }, ErrorCodes.Environment);
        Assert.Contains("Node node1.test cannot hold plain disks (lvm-vg xenvg)", noVg);
        Assert.Equal(["file", "diskless"], Cluster(c).EnabledDiskTemplates.Order().Reverse());
        // On a cluster that has one, the volume group cannot be unset while plain is enabled.
        await c.Daemon.Context.Config.UpdateAsync(cfg =>
        {
            cfg.Cluster.EnabledDiskTemplates = ["diskless", "file", "plain"];
            cfg.Cluster.VolumeGroupName = "xenvg";
        });
        Assert.Contains("Cannot unset the volume group", await RefusedAsync(c, new { vg_name = "" }));
    }

    [Fact]
    public async Task UidPoolAndOsListsFollowGanetisAddRemoveRules()
    {
        await using var c = new TestCluster();
        await AppliedAsync(c, new { uid_pool = new object[] { new[] { 1000, 1009 }, new[] { 2000, 2004 } } });
        await AppliedAsync(c, new { add_uids = new object[] { new[] { 3000, 3000 } }, remove_uids = new object[] { new[] { 2000, 2004 } } });
        Assert.Equal("[[1000,1009],[3000,3000]]", JsonSerializer.Serialize(Cluster(c).UidPool));
        Assert.Contains("not in the uid pool", await RefusedAsync(c, new { remove_uids = new object[] { new[] { 5, 5 } } }));
        Assert.Contains("Invalid user-id range", await RefusedAsync(c, new { uid_pool = new object[] { new[] { 9, 1 } } }));
        await AppliedAsync(c, new { hidden_os = new[] { new[] { "add", "debian" }, new[] { "add", "centos" } },
            blacklisted_os = new[] { new[] { "add", "winxp" } } });
        var job = await AppliedAsync(c, new { hidden_os = new[] { new[] { "remove", "centos" }, new[] { "add", "debian" } } });
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("OS debian already in hidden_os, ignoring"));
        Assert.Equal(["debian"], Cluster(c).HiddenOs);
        Assert.Equal(["winxp"], Cluster(c).BlacklistedOs);
        Assert.Contains("modification action 'attach'", await RefusedAsync(c, new { hidden_os = new[] { new[] { "attach", "debian" } } }));
    }

    [Fact]
    public async Task RaisingTheCandidatePoolPromotesNodes()
    {
        await using var c = new TestCluster();
        await AppliedAsync(c, new { candidate_pool_size = 1 });
        await c.AddFakeNodeAsync("node2.test", 4096);
        Assert.False(c.Service.ReadConfig().FindNode("node2.test")!.MasterCandidate);
        var job = await AppliedAsync(c, new { candidate_pool_size = 3 });
        Assert.True(c.Service.ReadConfig().FindNode("node2.test")!.MasterCandidate);
        Assert.Contains(job.Ops[0].Log, l => l.Message == "Promoted node node2.test to master candidate");
    }

    [Fact]
    public async Task BackendMemoryTakesUnitsAndTheClusterLevelCannotBeReset()
    {
        await using var c = new TestCluster();
        await AppliedAsync(c, new { beparams = new { memory = "1G", vcpus = "2" } });
        var be = Cluster(c).Beparams["default"];
        Assert.Equal(1024, be["maxmem"].GetInt64());
        Assert.Equal(1024, be["minmem"].GetInt64());
        Assert.Equal(2, be["vcpus"].GetInt64());
        await AppliedAsync(c, new { beparams = new { minmem = "512m" } });
        Assert.Equal(512, Cluster(c).Beparams["default"]["minmem"].GetInt64());

        Assert.Contains("needs a value at the cluster level", await RefusedAsync(c, new { beparams = new { vcpus = "default" } }));
        Assert.Contains("size in MiB", await RefusedAsync(c, new { beparams = new { maxmem = "lots" } }));
        Assert.Contains("vcpus must be a positive integer", await RefusedAsync(c, new { beparams = new { vcpus = 0 } }));
    }
}
