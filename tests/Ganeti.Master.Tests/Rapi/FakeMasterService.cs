using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Jobs;
using Ganeti.Master.Query;
using Ganeti.Master.Rapi;

namespace Ganeti.Master.Tests.Rapi;

/// <summary>
/// An in-memory master for RAPI tests: records every submitted job, answers queries from
/// small tables, and finishes OS-diagnose jobs at once.
/// </summary>
public sealed class FakeMasterService : IMasterService
{
    private readonly object _lock = new();
    private long _nextJobId = 1;

    public List<IReadOnlyList<JsonObject>> Submitted { get; } = [];
    public Dictionary<long, Job> Jobs { get; } = [];

    /// <summary>Thrown by the next submissions instead of accepting the job.</summary>
    public GanetiException? SubmitError { get; set; }

    /// <summary>Rows per query resource: field name → value.</summary>
    public Dictionary<string, List<Dictionary<string, JsonNode?>>> Tables { get; } = new()
    {
        ["instance"] =
        [
            Row(("name", "web2.example.com"), ("admin_state", "down"), ("os", "noop"), ("pnode", "node1.example.com"),
                ("snodes", new JsonArray()), ("disk_template", "diskless"), ("beparams", new JsonObject { ["maxmem"] = 128, ["vcpus"] = 1 }),
                ("oper_state", false), ("status", "ADMIN_down"), ("tags", new JsonArray()), ("console", null)),
            Row(("name", "web1.example.com"), ("admin_state", "up"), ("os", "noop"), ("pnode", "node1.example.com"),
                ("snodes", new JsonArray()), ("disk_template", "file"), ("beparams", new JsonObject { ["maxmem"] = 256, ["vcpus"] = 2 }),
                ("oper_state", true), ("status", "running"), ("tags", new JsonArray("prod")),
                ("console", new JsonObject { ["instance"] = "web1.example.com", ["kind"] = "ssh", ["host"] = "node1.example.com", ["command"] = new JsonArray("true") })),
        ],
        ["node"] =
        [
            Row(("name", "node1.example.com"), ("offline", false), ("master_candidate", true), ("drained", false),
                ("role", "M"), ("sip", "192.0.2.1"), ("pip", "192.0.2.1"), ("tags", new JsonArray())),
            Row(("name", "node2.example.com"), ("offline", false), ("master_candidate", false), ("drained", true),
                ("role", "D"), ("sip", "192.0.2.2"), ("pip", "192.0.2.2"), ("tags", new JsonArray())),
        ],
        ["group"] = [Row(("name", "default"), ("alloc_policy", "preferred"), ("node_cnt", 2))],
        ["network"] = [Row(("name", "net1"), ("network", "10.0.0.0/24"))],
        ["job"] = [],
        ["filter"] = [],
        ["lock"] = [],
        ["export"] = [],
    };

    public ConfigData Config { get; } = BuildConfig();

    public List<string> OsDiagnoseRows { get; } = [];

    /// <summary>What OP_OS_DIAGNOSE answers: [[name, [variants]], ...].</summary>
    public JsonArray OsDiagnoseResult { get; set; } =
        new(new JsonArray("debootstrap", new JsonArray("bookworm", "trixie")), new JsonArray("noop", new JsonArray()));

    public static Dictionary<string, JsonNode?> Row(params (string Key, JsonNode? Value)[] cells) =>
        cells.ToDictionary(c => c.Key, c => c.Value);

    private static ConfigData BuildConfig()
    {
        var c = new ConfigData();
        c.Cluster.ClusterName = "cluster.example.com";
        c.Cluster.Tags = ["ctag1", "ctag2"];
        c.Nodes["n1"] = new Node { Uuid = "n1", Name = "node1.example.com", Tags = ["rack1"] };
        c.Nodegroups["g1"] = new NodeGroup { Uuid = "g1", Name = "default", Tags = ["gtag"] };
        c.Instances["i1"] = new Instance { Uuid = "i1", Name = "web1.example.com", Tags = ["prod", "web"] };
        return c;
    }

    public Task<long> SubmitJobAsync(IReadOnlyList<JsonObject> ops, CancellationToken cancellationToken)
    {
        if (SubmitError is not null) throw SubmitError;
        lock (_lock)
        {
            var id = _nextJobId++;
            Submitted.Add(ops.Select(o => (JsonObject)o.DeepClone()).ToList());
            var job = new Job
            {
                Id = id,
                ReceivedTimestamp = new Timestamp(1700000000, 5),
                Ops = ops.Select(o => new QueuedOpCode { Input = (JsonObject)o.DeepClone() }).ToList(),
            };
            if (ops.Count == 1 && ops[0]["OP_ID"]?.GetValue<string>() == "OP_OS_DIAGNOSE")
            {
                job.Ops[0].Status = JobStatus.Success;
                job.Ops[0].Result = OsDiagnoseResult.DeepClone();
                job.StartTimestamp = new Timestamp(1700000001, 0);
                job.EndTimestamp = new Timestamp(1700000002, 0);
            }
            Jobs[id] = job;
            return Task.FromResult(id);
        }
    }

    public async Task<IReadOnlyList<long>> SubmitManyJobsAsync(IReadOnlyList<IReadOnlyList<JsonObject>> jobs, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        foreach (var j in jobs) ids.Add(await SubmitJobAsync(j, cancellationToken));
        return ids;
    }

    /// <summary>Adds a finished job with a log line, for job-resource tests.</summary>
    public Job AddJob(string status = JobStatus.Success)
    {
        lock (_lock)
        {
            var id = _nextJobId++;
            var job = new Job
            {
                Id = id,
                ReceivedTimestamp = new Timestamp(1700000000, 1),
                StartTimestamp = new Timestamp(1700000001, 2),
                EndTimestamp = status == JobStatus.Success ? new Timestamp(1700000002, 3) : null,
                Ops =
                [
                    new QueuedOpCode
                    {
                        Input = new JsonObject { ["OP_ID"] = "OP_TEST_DELAY", ["duration"] = 0 },
                        Status = status,
                        Result = status == JobStatus.Success ? JsonValue.Create(true) : null,
                        Log = [new JobLogEntry(1, new Timestamp(1700000001, 500), LogType.Message, "delaying")],
                    },
                ],
            };
            Jobs[id] = job;
            return job;
        }
    }

    public Job? GetJob(long id)
    {
        lock (_lock) return Jobs.GetValueOrDefault(id);
    }

    public IReadOnlyList<long> ListJobIds()
    {
        lock (_lock) return Jobs.Keys.OrderBy(k => k).ToList();
    }

    public List<(long Id, IReadOnlyList<string> Fields, JsonArray? Previous, long? Serial)> WaitCalls { get; } = [];

    public async Task<JobChange?> WaitForJobChangeAsync(long id, IReadOnlyList<string> fields, JsonArray? previousJobInfo,
        long? previousLogSerial, TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_lock) WaitCalls.Add((id, fields, previousJobInfo, previousLogSerial));
        var job = GetJob(id) ?? throw GanetiException.NotFound("Job", id.ToString());
        var info = new JsonArray(fields.Select(f => JobFields.Value(job, f)).ToArray());
        var newLog = job.Ops.SelectMany(o => o.Log).Where(l => previousLogSerial is null || l.Serial > previousLogSerial).ToList();
        if (previousJobInfo is not null && JsonNode.DeepEquals(previousJobInfo, info) && newLog.Count == 0)
        {
            await Task.Delay(timeout < TimeSpan.FromMilliseconds(200) ? timeout : TimeSpan.FromMilliseconds(200), cancellationToken);
            return null;
        }
        return new JobChange(info, newLog);
    }

    public List<long> Canceled { get; } = [];

    public (bool Success, string Message) CancelJob(long id)
    {
        lock (_lock) Canceled.Add(id);
        return (true, $"Job {id} will be canceled");
    }

    public bool ArchiveJob(long id) => false;

    public void SetDrainFlag(bool drain) { }

    public Task<QueryResult> QueryAsync(string resource, IReadOnlyList<string> fields, JsonNode? filter, CancellationToken cancellationToken)
    {
        if (!Tables.TryGetValue(resource, out var rows))
            throw GanetiException.WrongInput($"Unknown resource '{resource}'");
        var names = NamesOf(filter);
        var data = new List<IReadOnlyList<QueryCell>>();
        foreach (var row in rows)
        {
            var key = row.TryGetValue("name", out var n) ? n?.ToString() : row.GetValueOrDefault("uuid")?.ToString();
            if (names is not null && !names.Contains(key ?? "")) continue;
            data.Add(fields.Select(f => row.TryGetValue(f, out var v) ? QueryCell.Of(v?.DeepClone()) : QueryCell.Unavailable).ToList());
        }
        return Task.FromResult(new QueryResult(QueryFields(resource, fields), data));
    }

    private static HashSet<string>? NamesOf(JsonNode? filter)
    {
        if (filter is not JsonArray f || f.Count == 0) return null;
        if (f[0]?.ToString() != "|") throw GanetiException.WrongInput("unsupported filter in fake");
        return f.Skip(1).Select(x => ((JsonArray)x!)[2]!.ToString()).ToHashSet();
    }

    public IReadOnlyList<QueryFieldDefinition> QueryFields(string resource, IReadOnlyList<string> fields)
    {
        var names = fields.Count > 0 ? fields : ["name", "tags"];
        return names.Select(f => new QueryFieldDefinition(f, f.ToUpperInvariant(), f == "tags" ? "other" : "text", $"The {f}")).ToList();
    }

    public JsonObject ClusterInfo() => new()
    {
        ["name"] = "cluster.example.com",
        ["software_version"] = "3.0.2",
        ["protocol_version"] = 2030000,
        ["volume_group_name"] = "xenvg",
        ["drbd_usermode_helper"] = "/bin/true",
        ["master"] = "node1.example.com",
        ["tags"] = new JsonArray("ctag1", "ctag2"),
    };

    public ConfigData ReadConfig() => Config;

    public Allocation.BalanceRequest? LastBalanceRequest { get; private set; }
    public Allocation.CapacityRequest? LastCapacityRequest { get; private set; }

    public Task<JsonObject> BalancePlanAsync(Allocation.BalanceRequest request, CancellationToken cancellationToken)
    {
        LastBalanceRequest = request;
        return Task.FromResult(new JsonObject { ["initial_score"] = 2.5, ["final_score"] = 1.0, ["moves"] = 0, ["jobsets"] = new JsonArray(), ["groups"] = new JsonArray() });
    }

    public Task<JsonObject> CapacityAsync(Allocation.CapacityRequest request, CancellationToken cancellationToken)
    {
        LastCapacityRequest = request;
        return Task.FromResult(new JsonObject { ["disk_template"] = "drbd" });
    }
}
