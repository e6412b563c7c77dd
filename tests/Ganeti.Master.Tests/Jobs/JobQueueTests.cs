using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Core.Json;
using Ganeti.Core.Paths;
using Ganeti.Master.Jobs;
using Ganeti.Master.Tests.TestSupport;

namespace Ganeti.Master.Tests.Jobs;

public class JobQueueTests
{
    private static JsonObject Delay(double d = 0) => new() { ["OP_ID"] = "OP_TEST_DELAY", ["duration"] = d };

    [Fact]
    public void ASubmittedJobIsOnDiskBeforeItsIdIsReturned()
    {
        using var dir = new TempDir();
        var paths = new GanetiPaths(dir.Path);
        var queue = new JobQueue(paths);
        var id = queue.Add([[Delay()]])[0].Job.Id;
        var file = Path.Combine(paths.QueueDir, $"job-{id}");
        Assert.True(File.Exists(file));
        var job = GanetiJson.Deserialize<Job>(File.ReadAllBytes(file));
        Assert.Equal(JobStatus.Queued, job.CalcStatus());
        Assert.Equal("OP_TEST_DELAY", job.Ops[0].OpId);
    }

    [Fact]
    public void IdsContinueAfterRestartAndAreNeverReused()
    {
        using var dir = new TempDir();
        var paths = new GanetiPaths(dir.Path);
        var first = new JobQueue(paths).Add([[Delay()], [Delay()]]);
        File.Delete(paths.QueueSerial);
        var again = new JobQueue(paths).Add([[Delay()]]);
        Assert.Equal(first[^1].Job.Id + 1, again[0].Job.Id);
    }

    [Fact]
    public void JobsRunningAtACrashEndAsErrorAndQueuedOnesStayQueued()
    {
        using var dir = new TempDir();
        var paths = new GanetiPaths(dir.Path);
        var queue = new JobQueue(paths);
        var entries = queue.Add([[Delay()], [Delay()]]);
        var running = entries[0];
        running.Job.Ops[0].Status = JobStatus.Running;
        queue.Save(running, durable: true);

        var reloaded = new JobQueue(paths);
        Assert.Equal([running.Job.Id], reloaded.RecoveredJobs);
        var crashed = reloaded.ReadJob(running.Job.Id)!;
        Assert.Equal(JobStatus.Error, crashed.CalcStatus());
        Assert.Contains("master restarted", GanetiException.FromWire(crashed.Ops[0].Result)!.Message);
        Assert.Equal(JobStatus.Queued, reloaded.ReadJob(entries[1].Job.Id)!.CalcStatus());
    }

    [Fact]
    public void ADrainedQueueRefusesJobs()
    {
        using var dir = new TempDir();
        var queue = new JobQueue(new GanetiPaths(dir.Path));
        queue.SetDrained(true);
        var e = Assert.Throws<GanetiException>(() => queue.Add([[Delay()]]));
        Assert.Equal("JobQueueDrainError", e.ErrorClass);
        queue.SetDrained(false);
        Assert.Single(queue.Add([[Delay()]]));
    }

    [Fact]
    public void RelativeDependenciesBecomeAbsolute()
    {
        using var dir = new TempDir();
        var queue = new JobQueue(new GanetiPaths(dir.Path));
        var dependent = Delay();
        dependent["depends"] = new JsonArray(new JsonArray(-1, new JsonArray("success")));
        var entries = queue.Add([[Delay()], [dependent]]);
        Assert.Equal(entries[0].Job.Id, entries[1].Dependencies.Single().JobId);
        Assert.Equal(entries[0].Job.Id, entries[1].Job.Ops[0].Input["depends"]![0]![0]!.GetValue<long>());
    }

    [Fact]
    public void ADependencyOnAFutureJobIsRefused()
    {
        using var dir = new TempDir();
        var queue = new JobQueue(new GanetiPaths(dir.Path));
        var op = Delay();
        op["depends"] = new JsonArray(new JsonArray(99, new JsonArray()));
        var e = Assert.Throws<GanetiException>(() => queue.Add([[op]]));
        Assert.Equal(ErrorCodes.WrongInput, e.Ecode);
    }

    [Fact]
    public void FinishedJobsMoveToTheArchive()
    {
        using var dir = new TempDir();
        var paths = new GanetiPaths(dir.Path);
        var queue = new JobQueue(paths);
        var e = queue.Add([[Delay()]])[0];
        Assert.False(queue.Archive(e.Job.Id));
        e.Job.Ops[0].Status = JobStatus.Success;
        queue.Save(e, durable: true);
        Assert.True(queue.Archive(e.Job.Id));
        Assert.Null(queue.Get(e.Job.Id));
        Assert.True(File.Exists(Path.Combine(paths.QueueArchiveDir, "0", $"job-{e.Job.Id}")));
        Assert.Equal(JobStatus.Success, queue.ReadJob(e.Job.Id)!.CalcStatus());
    }

    [Fact]
    public void AFullQueueArchivesItsOldestFinishedJobsAndRefusesOnlyWhenAllAreUnfinished()
    {
        using var dir = new TempDir();
        var queue = new JobQueue(new GanetiPaths(dir.Path), maxJobs: 3);
        var first = queue.Add([[Delay()], [Delay()], [Delay()]]);
        foreach (var e in first.Take(2))
        {
            e.Job.Ops[0].Status = JobStatus.Success;
            queue.Save(e, durable: true);
        }
        var next = queue.Add([[Delay()], [Delay()]]);
        Assert.Equal(2, next.Count);
        Assert.Null(queue.Get(first[0].Job.Id));
        Assert.Equal(JobStatus.Success, queue.ReadJob(first[0].Job.Id)!.CalcStatus());
        var e2 = Assert.Throws<GanetiException>(() => queue.Add([[Delay()]]));
        Assert.Equal("JobQueueFull", e2.ErrorClass);
    }

    [Fact]
    public void AJobFileWrittenByGanetiReadsBack()
    {
        const string ganetiJob = """
            {"id": 17, "ops": [{"input": {"OP_ID": "OP_TEST_DELAY", "duration": 0.5, "on_master": true, "on_nodes": [],
              "repeat": 0, "interruptible": false, "no_locks": true, "dry_run": false, "priority": 0,
              "depends": null, "comment": null, "reason": [["gnt:client:gnt-debug", "delay", 1700000000000000000]]},
              "status": "success", "result": null,
              "log": [[1, [1700000000, 1000], "message", "delay done"]], "priority": 0,
              "start_timestamp": [1700000000, 0], "exec_timestamp": [1700000000, 100], "end_timestamp": [1700000001, 0]}],
             "received_timestamp": [1699999999, 999999], "start_timestamp": [1700000000, 0], "end_timestamp": [1700000001, 0],
             "livelock": null, "process_id": null}
            """;
        var job = GanetiJson.Deserialize<Job>(ganetiJob);
        Assert.Equal(17, job.Id);
        Assert.Equal(JobStatus.Success, job.CalcStatus());
        Assert.Equal("delay done", job.Ops[0].Log[0].Message);
        var again = GanetiJson.Deserialize<Job>(GanetiJson.Serialize(job));
        Assert.True(JsonNode.DeepEquals(GanetiJson.ToNode(job), GanetiJson.ToNode(again)));
    }
}
