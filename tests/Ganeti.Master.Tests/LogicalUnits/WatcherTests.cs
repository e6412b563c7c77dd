using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;
using Ganeti.Master.Watcher;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.Tests.LogicalUnits;

/// <summary>
/// The watcher restarts instances marked up that are not running, gives up after five tries
/// in a row, marks down instances their user shut down, and does nothing while paused or while
/// the queue is drained.
/// </summary>
public class WatcherTests
{
    private static async Task<TestCluster> RunningAsync(string name = "vm1")
    {
        var c = new TestCluster();
        var job = await c.RunAsync(TestCluster.Create(name));
        Assert.True(job.CalcStatus() == JobStatus.Success, job.Ops[0].Result?.ToJsonString());
        return c;
    }

    private static string StateFile(TestCluster c, string name) => Path.Combine(c.Paths.FakeHypervisorDir, name);

    private static async Task<string> StatusAsync(TestCluster c, string name)
    {
        var r = await c.Service.QueryAsync("instance", ["status"], new JsonArray("=", "name", name), CancellationToken.None);
        return r.Data[0][0].Value!.GetValue<string>();
    }

    /// <summary>Runs one round and waits for the jobs it submitted.</summary>
    private static async Task<IReadOnlyList<string>> RoundAsync(TestCluster c)
    {
        var before = c.Service.ListJobIds().ToHashSet();
        var actions = await c.Daemon.Watcher.RunOnceAsync(CancellationToken.None);
        foreach (var id in c.Service.ListJobIds().Where(i => !before.Contains(i)))
            await c.WaitAsync(id);
        return actions;
    }

    [Fact]
    public async Task AnInstanceThatDiedIsStartedAgain()
    {
        await using var c = await RunningAsync();
        Assert.Empty(await RoundAsync(c));
        File.Delete(StateFile(c, "vm1"));
        Assert.Equal("ERROR_down", await StatusAsync(c, "vm1"));

        var actions = await RoundAsync(c);
        Assert.Single(actions);
        Assert.StartsWith("Restarting instance vm1 (attempt 1 of 5): job ", actions[0]);
        Assert.Equal("running", await StatusAsync(c, "vm1"));
        var job = c.Service.GetJob(c.Service.ListJobIds().Max())!;
        Assert.Equal("OP_INSTANCE_STARTUP", job.Ops[0].Input["OP_ID"]!.GetValue<string>());
        Assert.Equal("watcher", job.Ops[0].Input["comment"]!.GetValue<string>());
    }

    [Fact]
    public async Task AfterFiveFailedRestartsTheWatcherGivesUpUntilTheInstanceRunsAgain()
    {
        await using var c = await RunningAsync();
        File.Delete(StateFile(c, "vm1"));
        c.Intercept("node1.test", NodeProcedures.InstanceStart, _ => throw GanetiException.Exec("the guest's disk is gone"));
        for (var i = 1; i <= InstanceWatcher.MaxRestarts; i++)
            Assert.StartsWith($"Restarting instance vm1 (attempt {i} of 5)", Assert.Single(await RoundAsync(c)));
        Assert.Equal("Instance vm1 is down after 5 restarts: giving up until it runs again", Assert.Single(await RoundAsync(c)));
        Assert.Empty(await RoundAsync(c));

        // Once it runs again (started by hand), the count starts over, and it survives a master restart.
        c.StopIntercepting("node1.test", NodeProcedures.InstanceStart);
        var start = await c.RunAsync(TestCluster.Op("OP_INSTANCE_STARTUP", new { instance_name = "vm1" }));
        Assert.Equal(JobStatus.Success, start.CalcStatus());
        Assert.Empty(await RoundAsync(c));
        File.Delete(StateFile(c, "vm1"));
        c.Intercept("node1.test", NodeProcedures.InstanceStart, _ => throw GanetiException.Exec("the guest's disk is gone"));
        Assert.StartsWith("Restarting instance vm1 (attempt 1 of 5)", Assert.Single(await RoundAsync(c)));
        await c.RestartAsync();
        Assert.StartsWith("Restarting instance vm1 (attempt 2 of 5)", Assert.Single(await RoundAsync(c)));
    }

    [Fact]
    public async Task AGuestShutDownByItsUserIsMarkedDown()
    {
        await using var c = await RunningAsync();
        var state = JsonNode.Parse(File.ReadAllText(StateFile(c, "vm1")))!;
        state["State"] = "shutdown";
        File.WriteAllText(StateFile(c, "vm1"), state.ToJsonString());
        Assert.Equal("USER_down", await StatusAsync(c, "vm1"));

        Assert.StartsWith("Instance vm1 was shut down by its user: marking it down", Assert.Single(await RoundAsync(c)));
        Assert.Equal("ADMIN_down", await StatusAsync(c, "vm1"));
        Assert.Empty(await RoundAsync(c));
    }

    [Fact]
    public async Task APausedWatcherOrADrainedQueueDoesNothing()
    {
        await using var c = await RunningAsync();
        File.Delete(StateFile(c, "vm1"));

        InstanceWatcher.Pause(c.Paths, TimeSpan.FromHours(1));
        Assert.StartsWith("Watcher paused until ", Assert.Single(await RoundAsync(c)));
        var pause = await c.Service.QueryAsync("cluster", ["watcher_pause"], null, CancellationToken.None);
        var until = pause.Data[0][0].Value!.GetValue<double>();
        Assert.InRange(until - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 3500, 3601);
        Assert.Equal("ERROR_down", await StatusAsync(c, "vm1"));

        InstanceWatcher.Pause(c.Paths, null);
        c.Service.SetDrainFlag(true);
        Assert.Equal("Job queue drained: no jobs submitted", Assert.Single(await RoundAsync(c)));
        c.Service.SetDrainFlag(false);

        // An expired pause counts as none.
        File.WriteAllText(InstanceWatcher.PauseFile(c.Paths), (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 10) + "\n");
        Assert.Single(await RoundAsync(c));
        Assert.Equal("running", await StatusAsync(c, "vm1"));
        Assert.False(File.Exists(InstanceWatcher.PauseFile(c.Paths)));
    }
}
