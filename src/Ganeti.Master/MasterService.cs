using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Core.Opcodes;
using Ganeti.Master.Jobs;
using Ganeti.Master.LogicalUnits;
using Ganeti.Master.LogicalUnits.Cluster;
using Ganeti.Master.Query;

namespace Ganeti.Master;

/// <summary>The master's answers to clients, over the job queue, scheduler, query engine and configuration.</summary>
public sealed class MasterService(MasterContext master, JobScheduler scheduler) : IMasterService
{
    public async Task<long> SubmitJobAsync(IReadOnlyList<JsonObject> ops, CancellationToken cancellationToken) =>
        (await SubmitAsync([ops]).ConfigureAwait(false))[0];

    public Task<IReadOnlyList<long>> SubmitManyJobsAsync(IReadOnlyList<IReadOnlyList<JsonObject>> jobs, CancellationToken cancellationToken) =>
        SubmitAsync(jobs);

    /// <summary>Adds the jobs durably and copies them to the master candidates before handing out their ids.</summary>
    private async Task<IReadOnlyList<long>> SubmitAsync(IReadOnlyList<IReadOnlyList<JsonObject>> jobs)
    {
        var ids = Submit(jobs);
        await master.Replication.Queue.FlushAsync().ConfigureAwait(false);
        return ids;
    }

    /// <summary>
    /// Submits the follow-up jobs of an opcode: each job is checked on its own, and one that
    /// cannot be accepted is reported as [false, reason] while the others are queued.
    /// </summary>
    public async Task<JsonArray> SubmitFollowUpsAsync(IReadOnlyList<IReadOnlyList<JsonObject>> jobs)
    {
        var results = new JsonNode?[jobs.Count];
        var accepted = new List<(int Index, IReadOnlyList<JsonObject> Ops)>();
        for (int i = 0; i < jobs.Count; i++)
        {
            try
            {
                accepted.Add((i, Normalize(jobs[i], requireUnit: false)));
            }
            catch (GanetiException e)
            {
                results[i] = new JsonArray(false, e.Message);
            }
        }
        if (accepted.Count > 0)
        {
            try
            {
                var entries = master.Queue.Add(accepted.Select(a => a.Ops).ToList());
                scheduler.Kick();
                for (int k = 0; k < accepted.Count; k++)
                    results[accepted[k].Index] = new JsonArray(true, entries[k].Job.Id);
                await master.Replication.Queue.FlushAsync().ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                foreach (var a in accepted) results[a.Index] ??= new JsonArray(false, e.Message);
            }
        }
        return new JsonArray(results);
    }

    /// <summary>
    /// Parses and re-serializes each opcode; with <paramref name="requireUnit"/>, refuses opcodes
    /// this master has no logical unit for. Follow-up jobs are only parsed: an opcode without a
    /// unit fails in its own job, where its error is visible, instead of hiding the plan.
    /// </summary>
    private static List<JsonObject> Normalize(IReadOnlyList<JsonObject> ops, bool requireUnit = true)
    {
        if (ops.Count == 0)
            throw GanetiException.WrongInput("A job needs at least one opcode");
        var list = new List<JsonObject>();
        foreach (var input in ops)
        {
            var op = OpCodeSerializer.FromJson(input);
            if (requireUnit && !LuRegistry.Supports(op.OpId))
                throw GanetiException.Prereq($"Opcode {op.OpId} is not supported by this master yet", ErrorCodes.WrongInput);
            list.Add(OpCodeSerializer.ToJson(op));
        }
        return list;
    }

    private IReadOnlyList<long> Submit(IReadOnlyList<IReadOnlyList<JsonObject>> jobs)
    {
        if (jobs.Count == 0)
            throw GanetiException.WrongInput("No jobs given");
        var normalized = jobs.Select(ops => (IReadOnlyList<JsonObject>)Normalize(ops)).ToList();
        var entries = master.Queue.Add(normalized);
        scheduler.Kick();
        return entries.Select(e => e.Job.Id).ToList();
    }

    public Task<JsonObject> BalancePlanAsync(Allocation.BalanceRequest request, CancellationToken cancellationToken) =>
        Allocation.ClusterPlanner.BalanceAsync(master, request, cancellationToken);

    public Task<JsonObject> CapacityAsync(Allocation.CapacityRequest request, CancellationToken cancellationToken) =>
        Allocation.ClusterPlanner.CapacityAsync(master, request, cancellationToken);

    public Job? GetJob(long id) => master.Queue.ReadJob(id);

    public IReadOnlyList<long> ListJobIds() => master.Queue.Ids();

    public async Task<JobChange?> WaitForJobChangeAsync(long id, IReadOnlyList<string> fields, JsonArray? previousJobInfo,
        long? previousLogSerial, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var entry = master.Queue.Get(id);
            Task changed;
            Job job;
            if (entry is null)
            {
                job = master.Queue.ReadJob(id) ?? throw GanetiException.NotFound("Job", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                changed = Task.Delay(Timeout.Infinite, cancellationToken);
            }
            else
            {
                changed = entry.NextChange;
                lock (entry.Sync) job = Core.Json.GanetiJson.Clone(entry.Job);
            }
            var info = new JsonArray(fields.Select(f => JobQuery.Field(job, f, entry is null).Value?.DeepClone()).ToArray());
            var newLogs = job.Ops.SelectMany(o => o.Log).Where(l => l.Serial > (previousLogSerial ?? 0)).OrderBy(l => l.Serial).ToList();
            var final = JobStatus.IsFinal(job.CalcStatus());
            if (newLogs.Count > 0 || previousJobInfo is null || !JsonNode.DeepEquals(info, previousJobInfo) || final)
                return new JobChange(info, newLogs);
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) return null;
            try
            {
                await changed.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
    }

    public (bool Success, string Message) CancelJob(long id) => scheduler.Cancel(id);

    public bool ArchiveJob(long id) => master.Queue.Archive(id);

    public void SetDrainFlag(bool drain) => master.Queue.SetDrained(drain);

    public Task<QueryResult> QueryAsync(string resource, IReadOnlyList<string> fields, JsonNode? filter, CancellationToken cancellationToken) =>
        master.Query.QueryAsync(resource, fields, filter, cancellationToken);

    public IReadOnlyList<QueryFieldDefinition> QueryFields(string resource, IReadOnlyList<string> fields) =>
        master.Query.Fields(resource, fields);

    public JsonObject ClusterInfo() => LogicalUnits.Cluster.ClusterInfo.Build(master.Config.Current);

    public ConfigData ReadConfig() => master.Config.Current;
}
