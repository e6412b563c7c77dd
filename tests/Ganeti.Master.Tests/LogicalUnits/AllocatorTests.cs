using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>Instance placement by the instance allocator (gnt-instance add -I hail) in the master.</summary>
public class AllocatorTests
{
    private static JsonObject CreateWithoutNode(string name, int memory, string? allocator = "hail")
    {
        var op = TestCluster.Create(name, start: false, extra: new { beparams = new { memory } });
        op.Remove("pnode");
        if (allocator is not null) op["iallocator"] = allocator;
        return op;
    }

    [Fact]
    public async Task HailPlacesAnInstanceOnTheNodeWithRoom()
    {
        await using var c = new TestCluster();
        await c.AddFakeNodeAsync("big.test", 65536);
        await c.AddFakeNodeAsync("small.test", 2048);
        // The master's own node is marked drained, so only the two fake nodes are candidates.
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.MasterNode.Drained = true);
        var job = await c.RunAsync(CreateWithoutNode("vm1", 8192));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        var cfg = c.Service.ReadConfig();
        Assert.Equal("big.test", cfg.Nodes[cfg.FindInstance("vm1")!.PrimaryNode].Name);
        Assert.Contains(job.Ops[0].Log, l => l.Message.Contains("chose node big.test"));
    }

    [Fact]
    public async Task AnAllocationThatCannotFitIsInsufficientResources()
    {
        await using var c = new TestCluster();
        await c.AddFakeNodeAsync("small.test", 2048);
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.MasterNode.Drained = true);
        var job = await c.RunAsync(CreateWithoutNode("vm1", 30000));
        var error = GanetiException.FromWire(job.Ops[0].Result)!;
        Assert.Equal(ErrorCodes.InsufficientResources, error.Ecode);
        Assert.Contains("hail", error.Message);
        Assert.Empty(c.Service.ReadConfig().Instances);
    }

    [Fact]
    public async Task AnUnknownAllocatorIsReported()
    {
        await using var c = new TestCluster();
        var job = await c.RunAsync(CreateWithoutNode("vm1", 128, "nosuch-allocator"));
        var error = GanetiException.FromWire(job.Ops[0].Result)!;
        Assert.Contains("nosuch-allocator", error.Message);
        Assert.Empty(c.Service.ReadConfig().Instances);
    }

    [Fact]
    public async Task OurIAllocatorInputIsUnderstoodByGanetisOwnHail()
    {
        const string hail = "/usr/lib/ganeti/iallocators/hail";
        Assert.True(File.Exists(hail), "Ganeti's hail plugin is needed to compare (apt-get install ganeti-htools-3.0)");
        await using var c = new TestCluster();
        await c.AddFakeNodeAsync("big.test", 65536);
        await c.AddFakeNodeAsync("small.test", 2048);
        await c.Daemon.Context.Config.UpdateAsync(cfg => cfg.MasterNode.Drained = true);
        var request = new JsonObject
        {
            ["type"] = "allocate", ["name"] = "vm9", ["required_nodes"] = 1, ["disk_template"] = "diskless",
            ["disks"] = new JsonArray(), ["disk_space_total"] = 0, ["nics"] = new JsonArray(), ["vcpus"] = 1,
            ["memory"] = 8192, ["spindle_use"] = 1, ["os"] = "", ["tags"] = new JsonArray(), ["hypervisor"] = "fake",
        };
        var input = await Allocation.IAllocatorRunner.BuildInputAsync(c.Daemon.Context, c.Service.ReadConfig(), request, CancellationToken.None);
        var file = Path.Combine(c.Paths.Root, "ialloc.json");
        await File.WriteAllTextAsync(file, input.ToJsonString());
        var psi = new System.Diagnostics.ProcessStartInfo(hail) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(file);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, err);
        var answer = JsonNode.Parse(output)!;
        Assert.True(answer["success"]!.GetValue<bool>(), output);
        Assert.Equal("[\"big.test\"]", answer["result"]!.ToJsonString());
        var ours = await Allocation.IAllocatorRunner.RunAsync(c.Daemon.Context, c.Service.ReadConfig(), "hail", request, CancellationToken.None);
        Assert.Equal(answer["result"]!.ToJsonString(), ours!.ToJsonString());
    }
}
