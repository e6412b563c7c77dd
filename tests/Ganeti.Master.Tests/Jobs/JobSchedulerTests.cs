using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.Jobs;

public class JobSchedulerTests
{
    private static JsonObject Delay(double seconds, object? extra = null)
    {
        var o = TestCluster.Op("OP_TEST_DELAY", extra);
        o["duration"] = seconds;
        return o;
    }

    [Fact]
    public async Task ATestDelayJobRunsToSuccessWithTimestamps()
    {
        await using var c = new TestCluster();
        var job = await c.RunAsync(Delay(0));
        Assert.Equal(JobStatus.Success, job.CalcStatus());
        Assert.NotNull(job.Ops[0].StartTimestamp);
        Assert.NotNull(job.Ops[0].ExecTimestamp);
        Assert.NotNull(job.EndTimestamp);
    }

    [Fact]
    public async Task NoMoreThanTheConcurrencyLimitRunAtOnce()
    {
        await using var c = new TestCluster(maxRunningJobs: 2);
        var ids = new List<long>();
        for (var i = 0; i < 5; i++) ids.Add(await c.SubmitAsync(Delay(0.4)));
        await Task.Delay(200);
        var statuses = ids.Select(id => c.Service.GetJob(id)!.CalcStatus()).ToList();
        Assert.Equal(2, statuses.Count(s => s is JobStatus.Running or JobStatus.Waiting));
        Assert.Equal(3, statuses.Count(s => s == JobStatus.Queued));
        foreach (var id in ids) Assert.Equal(JobStatus.Success, (await c.WaitAsync(id)).CalcStatus());
    }

    [Fact]
    public async Task HigherPriorityJobsStartFirst()
    {
        await using var c = new TestCluster(maxRunningJobs: 1);
        var blocker = await c.SubmitAsync(Delay(0.5));
        var low = await c.SubmitAsync(Delay(0, new { priority = 10 }));
        var high = await c.SubmitAsync(Delay(0, new { priority = -10 }));
        var lowJob = await c.WaitAsync(low);
        var highJob = await c.WaitAsync(high);
        await c.WaitAsync(blocker);
        Assert.True(highJob.StartTimestamp!.Value.ToDouble() <= lowJob.StartTimestamp!.Value.ToDouble());
    }

    [Fact]
    public async Task ADependentJobWaitsForItsDependency()
    {
        await using var c = new TestCluster();
        var first = await c.SubmitAsync(Delay(0.5));
        var second = await c.SubmitAsync(Delay(0, new { depends = new object[] { new object[] { first, new[] { "success" } } } }));
        await Task.Delay(150);
        Assert.Equal(JobStatus.Queued, c.Service.GetJob(second)!.CalcStatus());
        var a = await c.WaitAsync(first);
        var b = await c.WaitAsync(second);
        Assert.True(b.StartTimestamp!.Value.ToDouble() >= a.EndTimestamp!.Value.ToDouble());
        Assert.Equal(JobStatus.Success, b.CalcStatus());
    }

    [Fact]
    public async Task ADependencyEndingInAnUnwantedStateFailsTheJob()
    {
        await using var c = new TestCluster();
        var bad = await c.SubmitAsync(TestCluster.Op("OP_INSTANCE_STARTUP", new { instance_name = "nosuch" }));
        var dependent = await c.SubmitAsync(Delay(0, new { depends = new object[] { new object[] { bad, new[] { "success" } } } }));
        var job = await c.WaitAsync(dependent);
        Assert.Equal(JobStatus.Error, job.CalcStatus());
        Assert.Contains($"depends on job {bad}", GanetiException.FromWire(job.Ops[0].Result)!.Message);
    }

    [Fact]
    public async Task AQueuedJobCanBeCanceledButARunningOneCannot()
    {
        await using var c = new TestCluster(maxRunningJobs: 1);
        var running = await c.SubmitAsync(Delay(0.6));
        var queued = await c.SubmitAsync(Delay(0));
        await Task.Delay(150);
        var (ok, _) = c.Service.CancelJob(queued);
        Assert.True(ok);
        var (notOk, message) = c.Service.CancelJob(running);
        Assert.False(notOk);
        Assert.Contains("running", message);
        Assert.Equal(JobStatus.Canceled, (await c.WaitAsync(queued)).CalcStatus());
        Assert.Equal(JobStatus.Success, (await c.WaitAsync(running)).CalcStatus());
    }

    [Fact]
    public async Task AJobWaitingForLocksShowsWaitingAndCanBeCanceled()
    {
        await using var c = new TestCluster();
        await c.RunAsync(TestCluster.Create("locked1", start: false));
        // OP_TEST_DELAY with on_nodes holds the node lock; a create on that node must wait for it.
        var holder = await c.SubmitAsync(Delay(1.0, new { on_nodes = new[] { "node1.test" }, no_locks = false }));
        await Task.Delay(200);
        var waiter = await c.SubmitAsync(TestCluster.Create("locked2", start: false));
        await Task.Delay(200);
        Assert.Equal(JobStatus.Waiting, c.Service.GetJob(waiter)!.CalcStatus());
        Assert.True(c.Service.CancelJob(waiter).Success);
        Assert.Equal(JobStatus.Canceled, (await c.WaitAsync(waiter)).CalcStatus());
        Assert.Equal(JobStatus.Success, (await c.WaitAsync(holder)).CalcStatus());
        Assert.Null(c.Service.ReadConfig().FindInstance("locked2"));
    }

    [Fact]
    public async Task AFailedOpcodeFailsTheRestOfTheJob()
    {
        await using var c = new TestCluster();
        var job = await c.RunAsync(TestCluster.Op("OP_INSTANCE_SHUTDOWN", new { instance_name = "nosuch" }), Delay(0));
        Assert.Equal([JobStatus.Error, JobStatus.Error], job.Ops.Select(o => o.Status));
        var error = GanetiException.FromWire(job.Ops[0].Result)!;
        Assert.Equal("OpPrereqError", error.ErrorClass);
        Assert.Equal(ErrorCodes.UnknownEntity, error.Ecode);
    }

    [Fact]
    public async Task QueuedJobsSurviveARestartAndRun()
    {
        await using var c = new TestCluster(maxRunningJobs: 1);
        var blocker = await c.SubmitAsync(Delay(20, new { interruptible = true }));
        var queued = await c.SubmitAsync(Delay(0));
        await Task.Delay(300);
        await c.RestartAsync();
        var afterBlocker = c.Service.GetJob(blocker)!;
        Assert.Equal(JobStatus.Error, afterBlocker.CalcStatus());
        Assert.Contains("master restarted", GanetiException.FromWire(afterBlocker.Ops[0].Result)!.Message);
        Assert.Equal(JobStatus.Success, (await c.WaitAsync(queued)).CalcStatus());
    }

    [Fact]
    public async Task LongPollReturnsAtTheNextChangeNotBefore()
    {
        await using var c = new TestCluster();
        var id = await c.SubmitAsync(Delay(0.5, new { repeat = 2 }));
        var first = await c.Service.WaitForJobChangeAsync(id, ["status"], null, null, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.NotNull(first);
        var seen = first!.LogEntries.Select(l => l.Serial).DefaultIfEmpty(0).Max();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var next = await c.Service.WaitForJobChangeAsync(id, ["status"], first.JobInfo, seen, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.NotNull(next);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(4), "returned at a change, not at the timeout");
        Assert.True(!JsonNode.DeepEquals(next!.JobInfo, first.JobInfo) || next.LogEntries.Count > 0);
        await c.WaitAsync(id);
    }

    [Fact]
    public async Task LongPollTimesOutWithNoChange()
    {
        await using var c = new TestCluster(maxRunningJobs: 1);
        await c.SubmitAsync(Delay(1.5));
        var queued = await c.SubmitAsync(Delay(0));
        var info = (await c.Service.WaitForJobChangeAsync(queued, ["status"], null, null, TimeSpan.FromSeconds(1), CancellationToken.None))!.JobInfo;
        var again = await c.Service.WaitForJobChangeAsync(queued, ["status"], info, 0, TimeSpan.FromMilliseconds(300), CancellationToken.None);
        Assert.Null(again);
    }
}
