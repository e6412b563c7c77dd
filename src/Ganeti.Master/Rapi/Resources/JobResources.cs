using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Json;

namespace Ganeti.Master.Rapi.Resources;

/// <summary>/2/jobs, /2/jobs/[id], /2/jobs/[id]/wait.</summary>
public static class JobResources
{
    public static void Register(RapiRouteTable t)
    {
        t.Add("/2/jobs", "jobs").Get(ListJobs).Post(SubmitJobAsync);
        t.Add("/2/jobs/{job}", "jobs_id").Get(GetJob).Delete(CancelJob);
        // Waiting blocks server resources and shows job details, hence write (as in Ganeti).
        t.Add("/2/jobs/{job}/wait", "jobs_id_wait").Get(WaitForChangeAsync, RapiAccess.WriteOnly);
    }

    private static long JobId(RapiRequest r) => long.Parse(r.Item(0), System.Globalization.CultureInfo.InvariantCulture);

    private static Task<JsonNode?> ListJobs(RapiRequest r)
    {
        var ids = r.Master.ListJobIds();
        if (r.UseBulk())
        {
            var list = new JsonArray();
            foreach (var id in ids)
                if (r.Master.GetJob(id) is { } job)
                    list.Add(JobFields.Map(job, RapiFields.JobBulk));
            return Task.FromResult<JsonNode?>(list);
        }
        var sorted = ids.OrderBy(i => i).ToList();
        return Task.FromResult<JsonNode?>(RapiQueries.UriList(sorted.Select(i => (JsonNode?)JsonValue.Create(i)),
            sorted.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "/2/jobs/", "id"));
    }

    private static Task<JsonNode?> GetJob(RapiRequest r)
    {
        var job = r.Master.GetJob(JobId(r)) ?? throw RapiException.NotFound();
        return Task.FromResult<JsonNode?>(JobFields.Map(job, RapiFields.Job));
    }

    private static Task<JsonNode?> CancelJob(RapiRequest r)
    {
        var id = JobId(r);
        if (r.Master.GetJob(id) is null) throw RapiException.NotFound($"Job {id} not found");
        var (success, message) = r.Master.CancelJob(id);
        return Task.FromResult<JsonNode?>(new JsonArray(success, message));
    }

    /// <summary>
    /// Body {fields, previous_job_info, previous_log_serial}; waits up to the configured time
    /// (Ganeti: 10 s) and answers {job_info, log_entries}, or null when nothing changed.
    /// </summary>
    private static async Task<JsonNode?> WaitForChangeAsync(RapiRequest r)
    {
        var id = JobId(r);
        var fieldsNode = r.BodyParameter("fields");
        var previousInfo = r.BodyParameter("previous_job_info", null);
        var previousSerial = r.BodyParameter("previous_log_serial", null);

        if (fieldsNode is not JsonArray fieldsArray || fieldsArray.Any(f => !RapiJson.IsString(f)))
            throw RapiException.BadRequest("The 'fields' parameter should be a list");
        if (previousInfo is not null and not JsonArray)
            throw RapiException.BadRequest("The 'previous_job_info' parameter should be a list");
        if (previousSerial is not null && !RapiJson.IsInteger(previousSerial))
            throw RapiException.BadRequest("The 'previous_log_serial' parameter should be a number");

        if (r.Master.GetJob(id) is null) throw RapiException.NotFound();
        var fields = fieldsArray.Select(f => f!.GetValue<string>()).ToList();
        var change = await r.Master.WaitForJobChangeAsync(id, fields, (JsonArray?)previousInfo?.DeepClone(),
            previousSerial?.GetValue<long>(), r.Options.JobWaitTimeout, r.Aborted);
        if (change is null) return null;
        return new JsonObject
        {
            ["job_info"] = change.JobInfo.DeepClone(),
            ["log_entries"] = JsonSerializer.SerializeToNode(change.LogEntries, GanetiJson.Options),
        };
    }

    /// <summary>
    /// POST /2/jobs: a job made of opcodes in Ganeti's JSON form, for operations without a
    /// resource of their own. ?dry-run=1 marks every opcode dry_run; the reason trail gets
    /// this resource's entry appended.
    /// </summary>
    private static async Task<JsonNode?> SubmitJobAsync(RapiRequest r)
    {
        if (r.Body is not JsonArray list)
            throw RapiException.BadRequest(r.Body is null
                ? "Body contents: a list of opcodes is required"
                : $"Body contents: Type is '{RapiJson.PythonType(r.Body)}', but 'list' is expected");
        if (list.Count == 0)
            throw RapiException.BadRequest("Body contents: a job needs at least one opcode");
        var dryRun = r.DryRun();
        var ops = new List<JsonObject>();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject op)
                throw RapiException.BadRequest($"Opcode {i}: Type is '{RapiJson.PythonType(list[i])}', but 'dict' is expected");
            if (!RapiJson.IsString(op["OP_ID"]))
                throw RapiException.BadRequest($"Opcode {i}: missing or invalid 'OP_ID'");
            var copy = (JsonObject)op.DeepClone();
            var trail = r.ReasonTrail();
            if (copy["reason"] is JsonArray existing)
            {
                foreach (var entry in trail)
                    existing.Add(entry?.DeepClone());
            }
            else if (copy["reason"] is null)
            {
                copy["reason"] = trail;
            }
            else
            {
                throw RapiException.BadRequest($"Opcode {i}: 'reason' must be a list");
            }
            if (dryRun) copy["dry_run"] = true;
            ops.Add(copy);
        }
        return await r.SubmitJobAsync(ops);
    }
}
