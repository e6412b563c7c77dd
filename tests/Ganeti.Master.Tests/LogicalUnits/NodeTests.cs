using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>Node add, remove and modify on a cluster of in-process machines.</summary>
public class NodeTests
{
    internal static JsonObject Add(string name, string ip, object? extra = null)
    {
        var op = TestCluster.Op("OP_NODE_ADD", extra);
        op["node_name"] = name;
        op["primary_ip"] = ip;
        return op;
    }

    internal static JsonObject Modify(string name, object fields)
    {
        var op = TestCluster.Op("OP_NODE_SET_PARAMS", fields);
        op["node_name"] = name;
        return op;
    }

    internal static string ErrorOf(Job job) => GanetiException.FromWire(job.Ops[0].Result)!.Message;

    internal static string? EcodeOf(Job job) => GanetiException.FromWire(job.Ops[0].Result)!.Ecode;

    internal static async Task<TestCluster> WithNodesAsync(int poolSize, params string[] names)
    {
        var c = new TestCluster();
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.Cluster.CandidatePoolSize = poolSize);
        var ip = 2;
        foreach (var n in names)
        {
            c.AddMachine(n);
            var job = await c.RunAsync(Add(n, $"127.0.0.{ip++}"));
            Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        }
        return c;
    }

    [Fact]
    public async Task NodeAddChecksTheNodeAssignsTheGroupAndHandsItTheConfigurationAndSsconf()
    {
        await using var c = new TestCluster();
        var node2 = c.AddMachine("node2.test");

        var job = await c.RunAsync(Add("node2.test", "127.0.0.2"));

        Assert.Equal(JobStatus.Success, job.CalcStatus());
        var cfg = c.Service.ReadConfig();
        var added = cfg.FindNode("node2.test")!;
        Assert.True(added.MasterCandidate);
        Assert.Equal("default", cfg.Nodegroups[added.Group].Name);
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("added as a master candidate"));
        var copy = Core.Json.GanetiJson.Deserialize<Core.Config.ConfigData>(File.ReadAllBytes(node2.ConfigData));
        Assert.Equal(cfg.SerialNo, copy.SerialNo);
        Assert.Equal("node1.test\nnode2.test\n", File.ReadAllText(node2.SsconfPrefix + "node_list"));
        Assert.Equal("node1.test\n", File.ReadAllText(node2.SsconfPrefix + "master_node"));
        Assert.Equal("node1.test\nnode2.test\n", File.ReadAllText(c.Paths.SsconfPrefix + "online_nodes"));
    }

    [Fact]
    public async Task NodeAddReportsTheNodesFileStorageAndRefusesANodeThatCannotHoldFileDisks()
    {
        await using var c = new TestCluster();
        c.AddMachine("node2.test");
        c.AddMachine("node3.test");
        var dir = c.Service.ReadConfig().Cluster.FileStorageDir;

        var job = await c.RunAsync(Add("node2.test", "127.0.0.2"));
        Assert.Equal(JobStatus.Success, job.CalcStatus());
        Assert.Contains(job.Ops[0].Log, l => System.Text.RegularExpressions.Regex.IsMatch(l.Message,
            $"^Node node2.test: file {System.Text.RegularExpressions.Regex.Escape(dir)}: [0-9]+ MiB free of [0-9]+ MiB$"));

        // The machines share this file system: without the directory, node3 cannot hold file disks.
        Directory.Delete(dir, recursive: true);
        job = await c.RunAsync(Add("node3.test", "127.0.0.3"));
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        var error = job.Ops[0].Result!.ToJsonString();
        Assert.Contains("cannot hold file disks", error);
        Assert.Contains("does not exist", error);
        Assert.Null(c.Service.ReadConfig().FindNode("node3.test"));
    }

    [Fact]
    public async Task NodeAddRefusesAKnownNodeAnUnknownReaddAnAddressInUseAndAnUnreachableNode()
    {
        await using var c = new TestCluster();
        c.AddMachine("node2.test");

        var known = await c.RunAsync(Add("node1.test", "127.0.0.9"));
        Assert.Equal(ErrorCodes.AlreadyExists, EcodeOf(known));

        var readd = await c.RunAsync(Add("node2.test", "127.0.0.2", new { readd = true }));
        Assert.Equal(ErrorCodes.UnknownEntity, EcodeOf(readd));

        var clash = await c.RunAsync(Add("node2.test", "127.0.0.1"));
        Assert.Equal(ErrorCodes.NotUnique, EcodeOf(clash));

        var ghost = await c.RunAsync(Add("ghost.test", "127.0.0.7"));
        Assert.Equal(ErrorCodes.Environment, EcodeOf(ghost));
        Assert.Contains("Cannot contact node ghost.test (127.0.0.7)", ErrorOf(ghost));
        Assert.Contains("no route to host", ErrorOf(ghost));

        var group = await c.RunAsync(Add("node2.test", "127.0.0.2", new { group = "nope" }));
        Assert.Equal(ErrorCodes.UnknownEntity, EcodeOf(group));
        Assert.Single(c.Service.ReadConfig().Nodes);
    }

    [Fact]
    public async Task NodeAddRefusesAClusterHypervisorTheNodeLacks()
    {
        await using var c = new TestCluster(hypervisors: ["fake", "kvm"]);
        c.AddMachine("node2.test"); // fake only

        var job = await c.RunAsync(Add("node2.test", "127.0.0.2"));

        Assert.Equal(ErrorCodes.Environment, EcodeOf(job));
        Assert.Contains("not available on node node2.test: kvm", ErrorOf(job));
    }

    [Fact]
    public async Task TheCandidatePoolIsFilledUpToItsSizeAndKeptOnDemotion()
    {
        await using var c = await WithNodesAsync(2, "node2.test", "node3.test", "node4.test");
        var cfg = c.Service.ReadConfig();
        Assert.True(cfg.FindNode("node2.test")!.MasterCandidate);
        Assert.False(cfg.FindNode("node3.test")!.MasterCandidate);
        Assert.False(cfg.FindNode("node4.test")!.MasterCandidate);

        var refused = await c.RunAsync(Modify("node2.test", new { master_candidate = false }));
        Assert.Equal(ErrorCodes.WrongState, EcodeOf(refused));
        Assert.Contains("Not enough master candidates (desired 2, new value will be 1)", ErrorOf(refused));

        var demoted = await c.RunAsync(Modify("node2.test", new { master_candidate = false, auto_promote = true }));
        Assert.Equal(JobStatus.Success, demoted.CalcStatus());
        Assert.Equal("[[\"master_candidate\",\"False\"]]", demoted.Ops[0].Result!.ToJsonString());
        Assert.Contains(demoted.Ops[0].Log, l => l.Message == "Promoted node node3.test to master candidate");
        cfg = c.Service.ReadConfig();
        Assert.Equal(["node1.test", "node3.test"], cfg.Nodes.Values.Where(n => n.MasterCandidate).Select(n => n.Name).Order());

        var offline = await c.RunAsync(Modify("node3.test", new { offline = true, auto_promote = true }));
        Assert.Equal(JobStatus.Success, offline.CalcStatus());
        cfg = c.Service.ReadConfig();
        Assert.True(cfg.FindNode("node3.test")!.Offline);
        Assert.False(cfg.FindNode("node3.test")!.MasterCandidate);
        Assert.Equal(["node1.test", "node2.test"], cfg.Nodes.Values.Where(n => n.MasterCandidate).Select(n => n.Name).Order());
    }

    [Fact]
    public async Task TheMasterStaysACandidateAndOneStateAtATime()
    {
        await using var c = await WithNodesAsync(10, "node2.test");
        foreach (var change in new object[] { new { master_candidate = false }, new { offline = true }, new { drained = true }, new { master_capable = false } })
        {
            var job = await c.RunAsync(Modify("node1.test", change));
            Assert.Equal(ErrorCodes.WrongInput, EcodeOf(job));
        }
        var both = await c.RunAsync(Modify("node2.test", new { offline = true, drained = true }));
        Assert.Contains("more than one state", ErrorOf(both));
        var nothing = await c.RunAsync(Modify("node2.test", new { }));
        Assert.Contains("at least one modification", ErrorOf(nothing));
    }

    [Fact]
    public async Task DrainedAndNotMasterCapableNodesAreNotPromotedAndComeBackAsCandidatesWhenNeeded()
    {
        await using var c = await WithNodesAsync(10, "node2.test");
        var drain = await c.RunAsync(Modify("node2.test", new { drained = true }));
        Assert.Equal(JobStatus.Success, drain.CalcStatus());
        var node = c.Service.ReadConfig().FindNode("node2.test")!;
        Assert.True(node.Drained);
        Assert.False(node.MasterCandidate);

        var promote = await c.RunAsync(Modify("node2.test", new { master_candidate = true }));
        Assert.Contains("is drained", ErrorOf(promote));

        var undrain = await c.RunAsync(Modify("node2.test", new { drained = false }));
        Assert.Equal(JobStatus.Success, undrain.CalcStatus());
        Assert.Contains(undrain.Ops[0].Log, l => l.Message.Contains("Auto-promoting node node2.test"));
        node = c.Service.ReadConfig().FindNode("node2.test")!;
        Assert.True(node.MasterCandidate);
        Assert.False(node.Drained);

        var incapable = await c.RunAsync(Modify("node2.test", new { master_capable = false }));
        Assert.Equal(JobStatus.Success, incapable.CalcStatus());
        node = c.Service.ReadConfig().FindNode("node2.test")!;
        Assert.False(node.MasterCandidate);
        Assert.False(node.MasterCapable);
        var again = await c.RunAsync(Modify("node2.test", new { master_candidate = true }));
        Assert.Contains("not master capable", ErrorOf(again));
    }

    [Fact]
    public async Task NodeRemoveRefusesTheMasterAndANodeWithInstancesThenRemovesAndTheNodeLeaves()
    {
        await using var c = await WithNodesAsync(10, "node2.test");
        var node2 = new Core.Paths.GanetiPaths(Path.Combine(Path.GetDirectoryName(c.Paths.Root + "/")!, "machines", "node2.test"));
        Assert.True(File.Exists(node2.ConfigData));

        var master = await c.RunAsync(TestCluster.Op("OP_NODE_REMOVE", new { node_name = "node1.test" }));
        Assert.Contains("is the master node", ErrorOf(master));

        var create = await c.RunAsync(TestCluster.Create("web1", start: false, extra: new { pnode = "node2.test" }));
        Assert.Equal(JobStatus.Success, create.CalcStatus());
        var busy = await c.RunAsync(TestCluster.Op("OP_NODE_REMOVE", new { node_name = "node2.test" }));
        Assert.Contains("web1 still use node node2.test", ErrorOf(busy));
        var noVm = await c.RunAsync(Modify("node2.test", new { vm_capable = false }));
        Assert.Equal(ErrorCodes.WrongState, EcodeOf(noVm));

        await c.RunAsync(TestCluster.Op("OP_INSTANCE_REMOVE", new { instance_name = "web1" }));
        var removed = await c.RunAsync(TestCluster.Op("OP_NODE_REMOVE", new { node_name = "node2.test" }));

        Assert.Equal(JobStatus.Success, removed.CalcStatus());
        Assert.Null(c.Service.ReadConfig().FindNode("node2.test"));
        Assert.False(File.Exists(node2.ConfigData));
        Assert.False(File.Exists(node2.SsconfPrefix + "node_list"));
        Assert.Equal("node1.test\n", File.ReadAllText(c.Paths.SsconfPrefix + "node_list"));
    }
}
