using System.Net;
using Ganeti.Core.Errors;
using Ganeti.Master.Rapi;
using Ganeti.Master.Tests.LogicalUnits;
using Ganeti.Master.Tests.TestSupport;
using Ganeti.Remoting.Rapi;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Jobs;
using Ganeti.Remoting.Rapi.Model;
using Ganeti.Remoting.Rapi.Requests;
using Ganeti.Remoting.Rapi.Tls;

namespace Ganeti.Master.Tests.Rapi;

/// <summary>
/// The RAPI client's node group methods against the real RAPI server in front of a real master:
/// what the client sends becomes Ganeti's group opcodes, and what the master answers maps into
/// GntGroup.
/// </summary>
public sealed class GroupClientTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;
    private RapiServer _rapi = null!;
    private RapiClient _client = null!;

    public async Task InitializeAsync()
    {
        _cluster = new TestCluster();
        await _cluster.AddFakeNodeAsync("a.test", 16384);
        await _cluster.AddFakeNodeAsync("b.test", 16384);
        await _cluster.AddFakeNodeAsync("c.test", 16384);
        await _cluster.AddFakeNodeAsync("d.test", 16384);
        await _cluster.Daemon.Context.Config.UpdateAsync(cfg => cfg.MasterNode.Drained = true);
        File.WriteAllText(_cluster.Paths.RapiUsers, "ops {cleartext}group-secret write\n");
        _rapi = new RapiServer(_cluster.Service, new RapiServerOptions
        {
            BindAddress = IPAddress.Loopback,
            Port = 0,
            CertificateFile = _cluster.Paths.RapiCert,
            UsersFile = _cluster.Paths.RapiUsers,
            ReloadUsersOnSighup = false,
        });
        await _rapi.StartAsync(CancellationToken.None);
        _client = new RapiClient(new RapiClientOptions
        {
            Host = "127.0.0.1", Port = _rapi.Port, UserName = "ops", Password = "group-secret", TlsMode = RapiTlsMode.SkipCheck,
            Timeout = TimeSpan.FromSeconds(30),
        });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _rapi.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    private async Task<GntJob> RunAsync(Task<long> submit)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await new JobWaiter(_client).WaitAsync(await submit, null, timeout.Token);
    }

    private async Task<GntJob> OkAsync(Task<long> submit)
    {
        var job = await RunAsync(submit);
        Assert.True(job.Status == "success", $"job {job.Id}: {job.Status} {job.Failure?.Message}");
        return job;
    }

    private async Task<GntJobFailure> RefusedAsync(Task<long> submit)
    {
        var job = await RunAsync(submit);
        Assert.Equal("error", job.Status);
        return job.Failure!;
    }

    [Fact]
    public async Task A_group_is_added_with_its_overrides_listed_modified_renamed_and_removed()
    {
        var spec = new GroupCreateSpec
        {
            Name = "rack2", AllocPolicy = "last_resort",
            NdParams = new() { ["spindle_count"] = 2 },
            DiskParams = new() { ["drbd"] = new System.Text.Json.Nodes.JsonObject { ["resync-rate"] = 2048 } },
            IPolicy = new() { ["vcpu-ratio"] = 2.5 },
        };
        // A dry run is checked by the master and creates nothing.
        await OkAsync(_client.CreateGroupAsync(spec, dryRun: true));
        Assert.DoesNotContain("rack2", await _client.GetGroupNamesAsync());

        await OkAsync(_client.CreateGroupAsync(spec, reason: "new rack"));
        var g = await _client.GetGroupAsync("rack2");
        Assert.Equal("last_resort", g.AllocPolicy);
        Assert.Equal(0, g.NodeCount);
        Assert.Empty(g.Nodes);
        Assert.Equal(2L, g.CustomNdParams["spindle_count"]);
        Assert.Equal(2L, g.NdParams["spindle_count"]);
        Assert.True(g.NdParams.Count > g.CustomNdParams.Count, "ndparams are filled with the cluster's");
        Assert.Equal(2048L, ((ParamDictionary)g.CustomDiskParams["drbd"]!)["resync-rate"]);
        Assert.Equal(2.5, g.CustomIPolicy["vcpu-ratio"]);
        Assert.True(g.IPolicy.Contains("minmax"), "the policy in force is filled with the cluster's");
        Assert.Equal(g.Uuid, _cluster.Service.ReadConfig().FindGroup("rack2")!.Uuid);

        var all = await _client.GetGroupsAsync();
        Assert.Equal(["default", "rack2"], all.Select(x => x.Name).Order());
        Assert.Equal(5, all.Single(x => x.Name == "default").NodeCount);

        // The same name twice is Ganeti's already_exists.
        Assert.Equal(ErrorCodes.AlreadyExists, (await RefusedAsync(_client.CreateGroupAsync(new GroupCreateSpec { Name = "rack2" }))).Ecode);

        await OkAsync(_client.ModifyGroupAsync("rack2", new GroupModifyOptions
        {
            AllocPolicy = "preferred", NdParams = new() { ["spindle_count"] = "default" },
        }));
        g = await _client.GetGroupAsync("rack2");
        Assert.Equal("preferred", g.AllocPolicy);
        Assert.False(g.CustomNdParams.Contains("spindle_count"));
        Assert.Equal(2.5, g.CustomIPolicy["vcpu-ratio"]);
        await OkAsync(_client.ModifyGroupAsync("rack2", new GroupModifyOptions { AllocPolicy = "unallocable" }, dryRun: true));
        Assert.Equal("preferred", (await _client.GetGroupAsync("rack2")).AllocPolicy);

        await OkAsync(_client.RenameGroupAsync("rack2", "rack9"));
        var notFound = await Assert.ThrowsAsync<Ganeti.Remoting.Rapi.Errors.RapiException>(() => _client.GetGroupAsync("rack2"));
        Assert.Equal(RapiErrorKind.NotFound, notFound.Kind);
        Assert.Equal(g.Uuid, (await _client.GetGroupAsync("rack9")).Uuid);

        await OkAsync(_client.DeleteGroupAsync("rack9", dryRun: true));
        Assert.Contains("rack9", await _client.GetGroupNamesAsync());
        await OkAsync(_client.DeleteGroupAsync("rack9"));
        Assert.Equal(["default"], await _client.GetGroupNamesAsync());
        Assert.Equal(ErrorCodes.UnknownEntity, (await RefusedAsync(_client.DeleteGroupAsync("rack9"))).Ecode);
    }

    [Fact]
    public async Task Nodes_are_assigned_as_one_set_and_splitting_an_instance_needs_force()
    {
        await EvacuationTests.AddDrbdAsync(_cluster, "vm1", "a.test", "b.test");
        await OkAsync(_client.CreateGroupAsync(new GroupCreateSpec { Name = "rack2" }));

        // One node of vm1 alone would split it; both together do not.
        var split = await RefusedAsync(_client.AssignGroupNodesAsync("rack2", ["a.test"]));
        Assert.Equal(ErrorCodes.WrongState, split.Ecode);
        Assert.Contains("vm1 would be split", split.Message);
        await OkAsync(_client.AssignGroupNodesAsync("rack2", ["a.test"], dryRun: true, force: true));
        Assert.Empty((await _client.GetGroupAsync("rack2")).Nodes);

        await OkAsync(_client.AssignGroupNodesAsync("rack2", ["a.test", "b.test"]));
        var rack2 = await _client.GetGroupAsync("rack2");
        Assert.Equal(["a.test", "b.test"], rack2.Nodes.Order());
        Assert.Equal(rack2.Uuid, (await _client.GetNodeAsync("a.test")).GroupUuid);

        var forced = await OkAsync(_client.AssignGroupNodesAsync("default", ["b.test"], force: true));
        Assert.Contains(forced.Log, l => l.Message.StartsWith("Warning: Instance(s) vm1 would be split", StringComparison.Ordinal));
        Assert.Equal(["a.test"], (await _client.GetGroupAsync("rack2")).Nodes);

        // A group with nodes is not removed.
        var notEmpty = await RefusedAsync(_client.DeleteGroupAsync("rack2"));
        Assert.Equal(ErrorCodes.WrongState, notEmpty.Ecode);
        Assert.Contains("a.test", notEmpty.Message);
    }

    [Fact]
    public async Task Evacuation_plans_the_moves_as_follow_up_jobs_in_the_planning_jobs_result()
    {
        await OkAsync(_client.CreateGroupAsync(new GroupCreateSpec { Name = "other" }));
        await OkAsync(_client.AssignGroupNodesAsync("other", ["c.test", "d.test"]));
        await EvacuationTests.AddDrbdAsync(_cluster, "vm1", "a.test", "b.test");

        var refused = await RefusedAsync(_client.EvacuateGroupAsync("default", new GroupEvacuateOptions { TargetGroups = ["default"], Iallocator = "hail" }));
        Assert.Contains("can not be used as a destination", refused.Message);

        // A dry run checks and plans nothing.
        var dry = await OkAsync(_client.EvacuateGroupAsync("default", new GroupEvacuateOptions { Iallocator = "hail" }, dryRun: true));
        Assert.Empty(dry.OpResultJson(0)?["jobs"]?.AsArray() ?? []);

        var job = await OkAsync(_client.EvacuateGroupAsync("default", new GroupEvacuateOptions
        {
            TargetGroups = ["other"], Iallocator = "hail", ForceFailover = true, EarlyRelease = true,
        }));
        var entries = job.OpResultJson(0)!["jobs"]!.AsArray();
        var entry = Assert.Single(entries)!.AsArray();
        Assert.True(entry[0]!.GetValue<bool>(), entry.ToJsonString());
        var followUp = await _client.GetJobAsync(entry[1]!.GetValue<long>());
        var opIds = followUp.Ops.OfType<ParamDictionary>().Select(o => (string?)o["OP_ID"]).ToList();
        Assert.Contains("OP_INSTANCE_FAILOVER", opIds);
        Assert.DoesNotContain("OP_INSTANCE_MIGRATE", opIds);
        Assert.Contains(job.Log, l => l.Message == "Iallocator returned 1 job(s) for evacuating node group default");
    }
}
