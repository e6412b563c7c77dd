using System.Net;
using System.Text.Json.Nodes;
using Ganeti.Remoting.Rapi;
using Ganeti.Remoting.Rapi.Jobs;
using Ganeti.Remoting.Rapi.Model;

namespace Ganeti.Remoting.Tests.Rapi;

public class JobWaiterTests
{
    private sealed class Recorder : IJobWaitObserver
    {
        public List<string> Events { get; } = [];
        public void OnLog(GntJobLogEntry entry) { lock (Events) Events.Add($"log {entry.JobId}:{entry.Serial} {entry.Message}"); }
        public void OnStatus(long jobId, string status) { lock (Events) Events.Add($"status {jobId} {status}"); }
    }

    /// <summary>A scripted master: the job goes queued → running (2 log lines) → success.</summary>
    private static StubHandler ScriptedMaster(bool allowWait, List<string>? waitBodies = null)
    {
        var step = 0;
        const string finalJob = """
            {"id":9,"status":"success","opstatus":["success"],"ops":[{"OP_ID":"OP_TEST_DELAY"}],"opresult":[true],
             "oplog":[[[1,[1,0],"message","one"],[2,[2,0],"message","two"],[3,[3,0],"message","three"]]],
             "summary":["TEST_DELAY"],"received_ts":[1,0],"start_ts":[1,0],"end_ts":[3,0]}
            """;
        return new StubHandler
        {
            Respond = (req, body) =>
            {
                var path = req.RequestUri!.AbsolutePath;
                if (path == "/2/jobs/9/wait")
                {
                    if (!allowWait) return (HttpStatusCode.Unauthorized, """{"code":401,"message":"Unauthorized","explain":""}""");
                    waitBodies?.Add(body!);
                    step++;
                    return step switch
                    {
                        1 => (HttpStatusCode.OK, """{"job_info":["queued"],"log_entries":[]}"""),
                        2 => (HttpStatusCode.OK, "null"),
                        3 => (HttpStatusCode.OK, """{"job_info":["running"],"log_entries":[[1,[1,0],"message","one"],[2,[2,0],"message","two"]]}"""),
                        _ => (HttpStatusCode.OK, """{"job_info":["success"],"log_entries":[]}"""),
                    };
                }
                if (path == "/2/jobs/9")
                {
                    step++;
                    return step < 3
                        ? (HttpStatusCode.OK, """{"id":9,"status":"running","opstatus":["running"],"oplog":[[[1,[1,0],"message","one"]]]}""")
                        : (HttpStatusCode.OK, finalJob);
                }
                return (HttpStatusCode.NotFound, "");
            },
        };
    }

    [Fact]
    public async Task Long_poll_reports_each_status_and_log_line_once_then_returns_the_full_job()
    {
        var bodies = new List<string>();
        using var client = new RapiClient(new RapiClientOptions { Host = "h" }, ScriptedMaster(true, bodies));
        var rec = new Recorder();
        var job = await new JobWaiter(client).WaitAsync(9, rec);
        Assert.Equal("success", job.Status);
        Assert.Equal(
        [
            "status 9 queued", "log 9:1 one", "log 9:2 two", "status 9 running", "status 9 success", "log 9:3 three",
        ], rec.Events);
        Assert.Equal("""{"fields":["status"],"previous_job_info":null,"previous_log_serial":null}""", bodies[0]);
        Assert.Equal("""{"fields":["status"],"previous_job_info":["queued"],"previous_log_serial":null}""", bodies[1]);
        Assert.Equal("""{"fields":["status"],"previous_job_info":["running"],"previous_log_serial":2}""", bodies[3]);
    }

    [Fact]
    public async Task Without_the_write_right_the_waiter_polls_the_job_instead()
    {
        using var client = new RapiClient(new RapiClientOptions { Host = "h" }, ScriptedMaster(false));
        var rec = new Recorder();
        var job = await new JobWaiter(client) { MinPollInterval = TimeSpan.FromMilliseconds(1) }.WaitAsync(9, rec);
        Assert.Equal("success", job.Status);
        Assert.Equal(["log 9:1 one", "status 9 running", "log 9:2 two", "log 9:3 three", "status 9 success"], rec.Events);
    }

    [Fact]
    public async Task Cancelling_stops_waiting()
    {
        var stub = new StubHandler { Respond = (_, _) => (HttpStatusCode.OK, "null") };
        using var client = new RapiClient(new RapiClientOptions { Host = "h" }, stub);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new JobWaiter(client).WaitAsync(9, null, cts.Token));
    }

    [Fact]
    public async Task Waiting_for_several_jobs_reports_each_outcome()
    {
        var stub = new StubHandler
        {
            Respond = (req, _) => req.RequestUri!.AbsolutePath switch
            {
                "/2/jobs/1/wait" => (HttpStatusCode.OK, """{"job_info":["success"],"log_entries":[]}"""),
                "/2/jobs/1" => (HttpStatusCode.OK, """{"id":1,"status":"success","opstatus":["success"],"opresult":[null]}"""),
                "/2/jobs/2/wait" => (HttpStatusCode.OK, """{"job_info":["error"],"log_entries":[]}"""),
                "/2/jobs/2" => (HttpStatusCode.OK, """{"id":2,"status":"error","opstatus":["error"],"opresult":[["OpExecError",["disk full"]]]}"""),
                _ => (HttpStatusCode.NotFound, """{"code":404,"message":"Not Found","explain":""}"""),
            },
        };
        using var client = new RapiClient(new RapiClientOptions { Host = "h" }, stub);
        var results = await new JobWaiter(client).WaitAllAsync([1, 2, 3]);
        Assert.Equal("success", results[0].Job!.Status);
        Assert.Equal("disk full", results[1].Job!.Failure!.Message);
        Assert.NotNull(results[2].Error);
    }
}
