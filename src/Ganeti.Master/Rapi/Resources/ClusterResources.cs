using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;

namespace Ganeti.Master.Rapi.Resources;

/// <summary>/, /version, /2, /2/info, /2/features, /2/os, /2/modify, /2/redistribute-config.</summary>
public static class ClusterResources
{
    private static readonly Dictionary<string, string> InfoAliases = new()
    {
        ["volume_group_name"] = "vg_name",
        ["drbd_usermode_helper"] = "drbd_helper",
    };

    public static void Register(RapiRouteTable t)
    {
        t.Add("/", "root").Get(_ => Task.FromResult<JsonNode?>(null));
        t.Add("/2", "2").Get(_ => Task.FromResult<JsonNode?>(null));
        t.Add("/version", "version").Get(_ => Task.FromResult<JsonNode?>(JsonValue.Create(2)));
        t.Add("/2/features", "features").Get(_ => Task.FromResult<JsonNode?>(RapiJson.StringArray(RapiFields.Features)));
        t.Add("/2/info", "info").Get(r =>
            Task.FromResult<JsonNode?>(RapiQueries.WithAliases((JsonObject)r.Master.ClusterInfo().DeepClone(), InfoAliases)));
        t.Add("/2/os", "os").Get(GetOperatingSystemsAsync);
        t.Add("/2/redistribute-config", "redist_config")
            .Put(RapiResources.Opcode("OP_CLUSTER_REDIST_CONF", r => (r.Body, null)));
        // GanetiCluster extensions (Ganeti has no opcode for hbal or hspace): plans, not changes.
        t.Add("/2/cluster/balance", "cluster_balance").Get(GetBalanceAsync);
        t.Add("/2/cluster/capacity", "cluster_capacity").Get(GetCapacityAsync);
        t.Add("/2/modify", "cluster_modify").Put(r =>
        {
            Forbid(r, "compression_tools");
            return r.SubmitOpcodeAsync("OP_CLUSTER_SET_PARAMS", r.Body);
        });
    }

    private static double CheckDouble(RapiRequest r, string name, double defaultValue)
    {
        var text = r.CheckString(name);
        if (text is null) return defaultValue;
        if (double.TryParse(text.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            && double.IsFinite(v))
            return v;
        throw RapiException.BadRequest($"Invalid value for the '{name}' parameter: '{text}' is not a number");
    }

    private static async Task<JsonNode?> GetBalanceAsync(RapiRequest r)
    {
        var maxMoves = r.CheckInt("max-moves", -1);
        if (maxMoves < -1 || maxMoves > int.MaxValue)
            throw RapiException.BadRequest($"Invalid value for the 'max-moves' parameter: {maxMoves}");
        var request = new Allocation.BalanceRequest
        {
            MaxMoves = (int)maxMoves,
            MinGain = CheckDouble(r, "min-gain", 1e-2),
            MinGainLimit = CheckDouble(r, "min-gain-limit", 1e-1),
            EvacuateOnly = r.CheckBool("evac-mode"),
            DiskMoves = !r.CheckBool("no-disk-moves"),
            InstanceMoves = !r.CheckBool("no-instance-moves"),
            Group = r.CheckString("group"),
        };
        if (request.MinGain < 0)
            throw RapiException.BadRequest("Invalid value for the 'min-gain' parameter: it must not be negative");
        return await r.Master.BalancePlanAsync(request, r.Aborted);
    }

    /// <summary>A spec as hspace takes it: disk,memory,cpus[,spindles].</summary>
    private static HTools.Model.ISpec? CheckSpec(RapiRequest r, string name)
    {
        var text = r.CheckString(name);
        if (text is null) return null;
        var parts = text.Split(',');
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[i]) || values[i] <= 0)
                throw RapiException.BadRequest($"Invalid value for the '{name}' parameter: '{text}' is not disk,memory,cpus[,spindles] in positive whole numbers");
        if (values.Length is < 3 or > 4)
            throw RapiException.BadRequest($"Invalid value for the '{name}' parameter: '{text}' is not disk,memory,cpus[,spindles]");
        return new HTools.Model.ISpec(values[1], values[2], values[0], 1, 1, values.Length > 3 ? values[3] : 1);
    }

    private static async Task<JsonNode?> GetCapacityAsync(RapiRequest r)
    {
        var request = new Allocation.CapacityRequest
        {
            DiskTemplate = r.CheckString("disk-template"),
            Standard = CheckSpec(r, "standard-spec"),
            Tiered = CheckSpec(r, "tiered-spec"),
        };
        return await r.Master.CapacityAsync(request, r.Aborted);
    }

    /// <summary>Ganeti's *_FORBIDDEN: parameters RAPI may not set, in the query or the body.</summary>
    private static void Forbid(RapiRequest r, string parameter)
    {
        if (r.HasQuery(parameter) || (r.Body is JsonObject o && o.ContainsKey(parameter)))
            throw RapiException.Forbidden($"The parameter {parameter} cannot be set via RAPI");
    }

    /// <summary>
    /// Runs OS diagnose as a job and waits for it, as Ganeti does; answers the OS names, one
    /// "os+variant" per variant, or with ?bulk=1 the details of each OS.
    /// </summary>
    private static async Task<JsonNode?> GetOperatingSystemsAsync(RapiRequest r)
    {
        var bulk = r.UseBulk();
        var fields = bulk ? RapiFields.OsBulk : ["name", "variants"];
        var op = new JsonObject
        {
            ["OP_ID"] = "OP_OS_DIAGNOSE",
            ["output_fields"] = RapiJson.StringArray(fields),
            ["names"] = new JsonArray(),
        };
        var jobId = await r.Master.SubmitJobAsync([op], r.Aborted);
        var job = await WaitForJobAsync(r, jobId, r.Options.OsDiagnoseTimeout);
        var first = job.Ops.FirstOrDefault();
        if (job.CalcStatus() != JobStatus.Success || first is null)
        {
            var error = job.Ops.Select(o => GanetiException.FromWire(o.Result)).FirstOrDefault(e => e is not null);
            if (error is not null) throw error;
            throw RapiException.BadGateway($"Can't get OS list: job {jobId} ended with status {job.CalcStatus()}");
        }
        if (first.Result is not JsonArray data)
            throw RapiException.BadGateway("Can't get OS list");

        var answer = new JsonArray();
        foreach (var item in data)
        {
            if (item is not JsonArray row || row.Count != fields.Count)
                throw RapiException.BadGateway("Can't get OS list");
            if (bulk)
            {
                var o = RapiQueries.MapFields(fields, row.Select(x => x?.DeepClone()).ToList());
                var parameters = new JsonArray();
                if (o["parameters"] is JsonArray ps)
                    foreach (var p in ps)
                        if (p is JsonArray { Count: 2 } pair)
                            parameters.Add(new JsonObject { ["name"] = pair[0]?.DeepClone(), ["description"] = pair[1]?.DeepClone() });
                o["parameters"] = parameters;
                answer.Add(o);
            }
            else
            {
                var name = row[0]?.ToString() ?? "";
                var variants = row[1] as JsonArray;
                if (variants is { Count: > 0 })
                    foreach (var v in variants)
                        answer.Add($"{name}+{v}");
                else
                    answer.Add(name);
            }
        }
        return answer;
    }

    /// <summary>Long-polls a job until it is finished; 504 when it takes longer than <paramref name="timeout"/>.</summary>
    internal static async Task<Job> WaitForJobAsync(RapiRequest r, long jobId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string[] fields = ["status"];
        JsonArray? previous = null;
        while (true)
        {
            var job = r.Master.GetJob(jobId) ?? throw RapiException.BadGateway($"Job {jobId} disappeared");
            if (JobStatus.IsFinal(job.CalcStatus())) return job;
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
                throw RapiException.GatewayTimeout($"Job {jobId} did not finish within {timeout.TotalSeconds:0} seconds");
            var change = await r.Master.WaitForJobChangeAsync(jobId, fields, previous ?? new JsonArray(job.CalcStatus()),
                long.MaxValue, remaining < TimeSpan.FromSeconds(10) ? remaining : TimeSpan.FromSeconds(10), r.Aborted);
            if (change is not null) previous = change.JobInfo;
        }
    }
}
