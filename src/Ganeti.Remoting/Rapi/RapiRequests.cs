using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Ganeti.Remoting.Rapi.Model;
using Ganeti.Remoting.Rapi.Requests;

namespace Ganeti.Remoting.Rapi;

/// <summary>
/// The requests of Ganeti's RAPI v2 (doc/rapi.rst), one builder per resource and method, with
/// Ganeti's exact paths, query arguments (dry-run=1, reason=, bulk=1, tag=...) and bodies.
/// </summary>
public static class RapiRequests
{
    public const string Version = "2";

    /// <summary>The fields watched by job long-polls; changes of these end a wait early.</summary>
    public static readonly string[] WaitFields = ["status"];

    public static RapiRequest GetVersion() => new(HttpMethod.Get, "/version");
    public static RapiRequest GetInfo() => new(HttpMethod.Get, "/2/info");
    public static RapiRequest GetFeatures() => new(HttpMethod.Get, "/2/features");
    public static RapiRequest GetOperatingSystems() => new(HttpMethod.Get, "/2/os");

    public static RapiRequest GetNodes(bool bulk) => new(HttpMethod.Get, "/2/nodes", bulk ? Q(("bulk", "1")) : []);
    public static RapiRequest GetNode(string name) => new(HttpMethod.Get, $"/2/nodes/{Seg(name)}");

    /// <summary>
    /// Node add (gnt-node add): RAPI has no resource for it, so <c>OP_NODE_ADD</c> goes through
    /// <c>POST /2/jobs</c>. Only the parameters given are sent; the master fills in the rest.
    /// </summary>
    public static RapiRequest AddNode(string name, string? primaryIp = null, string? secondaryIp = null, string? group = null,
        bool readd = false, bool? masterCapable = null, bool? vmCapable = null, bool dryRun = false, string? reason = null)
    {
        var op = new JsonObject { ["OP_ID"] = "OP_NODE_ADD", ["node_name"] = name, ["readd"] = readd };
        if (primaryIp is not null) op["primary_ip"] = primaryIp;
        if (secondaryIp is not null) op["secondary_ip"] = secondaryIp;
        if (group is not null) op["group"] = group;
        if (masterCapable is { } mc) op["master_capable"] = mc;
        if (vmCapable is { } vc) op["vm_capable"] = vc;
        return SubmitJob([op], dryRun, reason);
    }

    /// <summary>Node remove (gnt-node remove): <c>OP_NODE_REMOVE</c> through <c>POST /2/jobs</c>, RAPI having no resource for it.</summary>
    public static RapiRequest RemoveNode(string name, bool dryRun = false, string? reason = null) =>
        SubmitJob([new JsonObject { ["OP_ID"] = "OP_NODE_REMOVE", ["node_name"] = name }], dryRun, reason);

    /// <summary>
    /// <c>PUT /2/modify</c> (gnt-cluster modify): the body holds the <c>OP_CLUSTER_SET_PARAMS</c>
    /// parameters to change (hvparams, os_hvp, beparams, candidate_pool_size, ...).
    /// </summary>
    public static RapiRequest ModifyCluster(JsonObject changes, bool dryRun = false, string? reason = null)
    {
        var body = (JsonObject)changes.DeepClone();
        if (dryRun) body["dry_run"] = true;
        return new(HttpMethod.Put, "/2/modify", Common(dryRun, reason), body);
    }

    /// <summary>
    /// <c>POST /2/nodes/N/modify</c> (gnt-node modify): the body holds the <c>OP_NODE_SET_PARAMS</c>
    /// parameters to change (master_candidate, offline, drained, master_capable, vm_capable,
    /// secondary_ip, auto_promote, ...).
    /// </summary>
    public static RapiRequest ModifyNode(string name, JsonObject changes, bool dryRun = false, string? reason = null)
    {
        var body = (JsonObject)changes.DeepClone();
        if (dryRun) body["dry_run"] = true;
        return new(HttpMethod.Post, $"/2/nodes/{Seg(name)}/modify", Common(dryRun, reason), body);
    }

    public static RapiRequest GetGroups(bool bulk) => new(HttpMethod.Get, "/2/groups", bulk ? Q(("bulk", "1")) : []);
    public static RapiRequest GetGroup(string name) => new(HttpMethod.Get, $"/2/groups/{Seg(Required(name))}");

    /// <summary><c>POST /2/groups</c> (gnt-group add): the body names the group "name", as Ganeti's RAPI does.</summary>
    public static RapiRequest CreateGroup(GroupCreateSpec spec, bool dryRun = false, string? reason = null)
    {
        Required(spec.Name);
        return new(HttpMethod.Post, "/2/groups", Common(dryRun, reason), spec.ToBody());
    }

    /// <summary><c>DELETE /2/groups/G</c> (gnt-group remove): only an empty group can go.</summary>
    public static RapiRequest DeleteGroup(string name, bool dryRun = false, string? reason = null) =>
        new(HttpMethod.Delete, $"/2/groups/{Seg(Required(name))}", Common(dryRun, reason));

    /// <summary><c>PUT /2/groups/G/modify</c> (gnt-group modify) with OP_GROUP_SET_PARAMS's parameters as the body.</summary>
    public static RapiRequest ModifyGroup(string name, GroupModifyOptions changes, bool dryRun = false, string? reason = null)
    {
        if (changes.IsEmpty)
            throw new ArgumentException("a group modification needs at least one change", nameof(changes));
        return new(HttpMethod.Put, $"/2/groups/{Seg(Required(name))}/modify", Common(dryRun, reason), changes.ToBody());
    }

    /// <summary><c>PUT /2/groups/G/rename</c> (gnt-group rename) with {new_name}.</summary>
    public static RapiRequest RenameGroup(string name, string newName, bool dryRun = false, string? reason = null) =>
        new(HttpMethod.Put, $"/2/groups/{Seg(Required(name))}/rename", Common(dryRun, reason),
            new JsonObject { ["new_name"] = Required(newName) });

    /// <summary>
    /// <c>PUT /2/groups/G/assign-nodes</c> (gnt-group assign-nodes) with {nodes}; force=1 in the
    /// query lets the move split instances' nodes across groups, as Ganeti's --force does.
    /// </summary>
    public static RapiRequest AssignGroupNodes(string name, IEnumerable<string> nodes, bool force = false, bool dryRun = false,
        string? reason = null)
    {
        var list = nodes.Select(Required).ToList();
        if (list.Count == 0)
            throw new ArgumentException("at least one node is needed", nameof(nodes));
        var q = new List<KeyValuePair<string, string>>();
        if (force) q.Add(new("force", "1"));
        if (dryRun) q.Add(new("dry-run", "1"));
        AddReason(q, reason);
        return new(HttpMethod.Put, $"/2/groups/{Seg(Required(name))}/assign-nodes", q,
            new JsonObject { ["nodes"] = new JsonArray(list.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()) });
    }

    /// <summary>
    /// <c>POST /2/groups/G/evacuate</c> (gnt-group evacuate): the job that plans the moves; its
    /// result lists the follow-up jobs, as node evacuation's does.
    /// </summary>
    public static RapiRequest EvacuateGroup(string name, GroupEvacuateOptions options, bool dryRun = false, string? reason = null) =>
        new(HttpMethod.Post, $"/2/groups/{Seg(Required(name))}/evacuate", Common(dryRun, reason), options.ToBody());

    public static RapiRequest GetInstances(bool bulk) => new(HttpMethod.Get, "/2/instances", bulk ? Q(("bulk", "1")) : []);
    public static RapiRequest GetInstance(string name) => new(HttpMethod.Get, $"/2/instances/{Seg(name)}");

    public static RapiRequest CreateInstance(InstanceCreateSpec spec, bool dryRun = false, string? reason = null) =>
        new(HttpMethod.Post, "/2/instances", Common(dryRun, reason), spec.ToBody());

    public static RapiRequest DeleteInstance(string name, bool dryRun = false, string? reason = null,
        int? shutdownTimeout = null, bool ignoreFailures = false)
    {
        var body = new JsonObject();
        if (shutdownTimeout is { } t) body["shutdown_timeout"] = t;
        if (ignoreFailures) body["ignore_failures"] = true;
        return new(HttpMethod.Delete, $"/2/instances/{Seg(name)}", Common(dryRun, reason), body.Count > 0 ? body : null);
    }

    public static RapiRequest StartupInstance(string name, bool dryRun = false, string? reason = null,
        bool force = false, bool noRemember = false)
    {
        var q = new List<KeyValuePair<string, string>>();
        if (dryRun) q.Add(new("dry-run", "1"));
        if (force) q.Add(new("force", "1"));
        if (noRemember) q.Add(new("no_remember", "1"));
        AddReason(q, reason);
        return new(HttpMethod.Put, $"/2/instances/{Seg(name)}/startup", q);
    }

    public static RapiRequest ShutdownInstance(string name, bool dryRun = false, string? reason = null,
        int? timeout = null, bool noRemember = false)
    {
        var q = new List<KeyValuePair<string, string>>();
        if (dryRun) q.Add(new("dry-run", "1"));
        if (noRemember) q.Add(new("no_remember", "1"));
        AddReason(q, reason);
        JsonObject? body = timeout is { } t ? new JsonObject { ["timeout"] = t } : null;
        return new(HttpMethod.Put, $"/2/instances/{Seg(name)}/shutdown", q, body);
    }

    public static RapiRequest RebootInstance(string name, bool dryRun = false, string? reason = null,
        RebootType? type = null, bool? ignoreSecondaries = null, int? shutdownTimeout = null)
    {
        var q = new List<KeyValuePair<string, string>>();
        if (dryRun) q.Add(new("dry-run", "1"));
        if (type is { } ty) q.Add(new("type", ty.ToString().ToLowerInvariant()));
        if (ignoreSecondaries is { } ig) q.Add(new("ignore_secondaries", ig ? "1" : "0"));
        AddReason(q, reason);
        JsonObject? body = shutdownTimeout is { } t ? new JsonObject { ["shutdown_timeout"] = t } : null;
        return new(HttpMethod.Post, $"/2/instances/{Seg(name)}/reboot", q, body);
    }

    /// <summary><c>PUT /2/instances/I/migrate</c> with OP_INSTANCE_MIGRATE's parameters as the body.</summary>
    public static RapiRequest MigrateInstance(string name, InstanceMigrateOptions options, bool dryRun = false, string? reason = null) =>
        new(HttpMethod.Put, $"/2/instances/{Seg(name)}/migrate", Common(dryRun, reason), options.ToBody());

    /// <summary><c>PUT /2/instances/I/failover</c> with OP_INSTANCE_FAILOVER's parameters as the body.</summary>
    public static RapiRequest FailoverInstance(string name, InstanceFailoverOptions options, bool dryRun = false, string? reason = null) =>
        new(HttpMethod.Put, $"/2/instances/{Seg(name)}/failover", Common(dryRun, reason), options.ToBody());

    /// <summary>
    /// OP_INSTANCE_MOVE through <c>POST /2/jobs</c>: Ganeti's Remote API has no resource for
    /// gnt-instance move, so the opcode is submitted as a job of its own.
    /// </summary>
    public static RapiRequest MoveInstance(string name, InstanceMoveOptions options, bool dryRun = false, string? reason = null)
    {
        var op = options.ToBody();
        op["OP_ID"] = "OP_INSTANCE_MOVE";
        op["instance_name"] = name;
        return SubmitJob([op], dryRun, reason);
    }

    /// <summary>
    /// <c>PUT /2/instances/I/modify</c> (gnt-instance modify): the body holds the parameters to
    /// change (hvparams, beparams, osparams, os_name, offline, runtime_mem, nics, disks, force, ...).
    /// </summary>
    public static RapiRequest ModifyInstance(string name, JsonObject changes, bool dryRun = false, string? reason = null) =>
        new(HttpMethod.Put, $"/2/instances/{Seg(name)}/modify", Common(dryRun, reason), (JsonObject)changes.DeepClone());

    public static RapiRequest RenameInstance(string name, string newName, bool dryRun = false, string? reason = null,
        bool? ipCheck = null, bool? nameCheck = null)
    {
        var body = new JsonObject { ["new_name"] = newName };
        if (ipCheck is { } ip) body["ip_check"] = ip;
        if (nameCheck is { } nc) body["name_check"] = nc;
        return new(HttpMethod.Put, $"/2/instances/{Seg(name)}/rename", Common(dryRun, reason), body);
    }

    /// <summary><c>GET /2/instances/I/info</c>: submits OP_INSTANCE_QUERY_DATA and returns its job id.</summary>
    public static RapiRequest GetInstanceInfo(string name, bool? isStatic = null, string? reason = null)
    {
        var q = new List<KeyValuePair<string, string>>();
        if (isStatic is { } s) q.Add(new("static", s ? "1" : "0"));
        AddReason(q, reason);
        return new(HttpMethod.Get, $"/2/instances/{Seg(name)}/info", q);
    }

    /// <summary>
    /// <c>PUT /2/instances/I/activate-disks</c>. RAPI passes no dry-run to this opcode, so a dry
    /// run goes as the same opcode through <c>POST /2/jobs</c>, where the master checks it.
    /// </summary>
    public static RapiRequest ActivateInstanceDisks(string name, bool ignoreSize = false, bool dryRun = false, string? reason = null)
    {
        if (dryRun)
            return SubmitJob([new JsonObject { ["OP_ID"] = "OP_INSTANCE_ACTIVATE_DISKS", ["instance_name"] = name, ["ignore_size"] = ignoreSize }],
                true, reason);
        var q = new List<KeyValuePair<string, string>>();
        if (ignoreSize) q.Add(new("ignore_size", "1"));
        AddReason(q, reason);
        return new(HttpMethod.Put, $"/2/instances/{Seg(name)}/activate-disks", q);
    }

    /// <summary><c>PUT /2/instances/I/deactivate-disks[?force=1]</c>; a dry run goes through <c>POST /2/jobs</c>.</summary>
    public static RapiRequest DeactivateInstanceDisks(string name, bool force = false, bool dryRun = false, string? reason = null)
    {
        if (dryRun)
            return SubmitJob([new JsonObject { ["OP_ID"] = "OP_INSTANCE_DEACTIVATE_DISKS", ["instance_name"] = name, ["force"] = force }],
                true, reason);
        var q = new List<KeyValuePair<string, string>>();
        if (force) q.Add(new("force", "1"));
        AddReason(q, reason);
        return new(HttpMethod.Put, $"/2/instances/{Seg(name)}/deactivate-disks", q);
    }

    /// <summary>
    /// <c>POST /2/instances/I/disk/N/grow</c> with {amount (MiB), absolute, wait_for_sync}; the
    /// body's parameters go into the opcode, so dry_run travels there too.
    /// </summary>
    public static RapiRequest GrowInstanceDisk(string name, int disk, long amountMiB, bool absolute = false, bool? waitForSync = null,
        bool dryRun = false, string? reason = null)
    {
        if (disk < 0) throw new ArgumentOutOfRangeException(nameof(disk), "a disk index is 0 or more");
        var body = new JsonObject { ["amount"] = amountMiB };
        if (absolute) body["absolute"] = true;
        if (waitForSync is { } w) body["wait_for_sync"] = w;
        if (dryRun) body["dry_run"] = true;
        return new(HttpMethod.Post, $"/2/instances/{Seg(name)}/disk/{disk.ToString(CultureInfo.InvariantCulture)}/grow",
            Common(dryRun, reason), body);
    }

    /// <summary>
    /// <c>POST /2/instances/I/reinstall</c> with {os, osparams, start}: the master makes one job of
    /// shutdown, reinstall and (unless start is false) startup. That job has no dry run, so a dry
    /// run sends OP_INSTANCE_REINSTALL alone through <c>POST /2/jobs</c>; the master then checks
    /// the OS and the instance as they are now.
    /// </summary>
    public static RapiRequest ReinstallInstance(string name, string? os = null, IEnumerable<KeyValuePair<string, object?>>? osParams = null,
        bool start = true, bool dryRun = false, string? reason = null)
    {
        var osparams = osParams is null ? null : ToJson(osParams);
        if (dryRun)
            return SubmitJob([new JsonObject
            {
                ["OP_ID"] = "OP_INSTANCE_REINSTALL", ["instance_name"] = name, ["os_type"] = os, ["osparams"] = osparams,
            }], true, reason);
        var body = new JsonObject { ["start"] = start };
        if (os is not null) body["os"] = os;
        if (osparams is not null) body["osparams"] = osparams;
        return new(HttpMethod.Post, $"/2/instances/{Seg(name)}/reinstall", Common(false, reason), body);
    }

    /// <summary>
    /// <c>PUT /2/instances/I/export</c> (gnt-backup export) in local mode: {mode, destination (the
    /// target node), shutdown, remove_instance, shutdown_timeout}; dry_run travels in the body.
    /// </summary>
    public static RapiRequest ExportInstance(string name, string destinationNode, bool shutdown = true, bool removeInstance = false,
        int? shutdownTimeout = null, bool dryRun = false, string? reason = null, string? compress = null)
    {
        var body = new JsonObject { ["mode"] = "local", ["destination"] = destinationNode, ["shutdown"] = shutdown };
        if (removeInstance) body["remove_instance"] = true;
        if (compress is not null) body["compress"] = compress;
        if (shutdownTimeout is { } t) body["shutdown_timeout"] = t;
        if (dryRun) body["dry_run"] = true;
        return new(HttpMethod.Put, $"/2/instances/{Seg(name)}/export", Common(dryRun, reason), body);
    }

    /// <summary><c>DELETE /2/instances/I/export</c> (gnt-backup remove): removes the instance's export from every node.</summary>
    public static RapiRequest RemoveInstanceExport(string name, bool dryRun = false, string? reason = null) =>
        new(HttpMethod.Delete, $"/2/instances/{Seg(name)}/export", Common(dryRun, reason), dryRun ? new JsonObject { ["dry_run"] = true } : null);

    /// <summary><c>GET /2/instances/I/console</c>: the console of a running instance (503 when it is not running).</summary>
    public static RapiRequest GetInstanceConsole(string name) => new(HttpMethod.Get, $"/2/instances/{Seg(name)}/console");

    public static RapiRequest GetJobs(bool bulk) => new(HttpMethod.Get, "/2/jobs", bulk ? Q(("bulk", "1")) : []);
    public static RapiRequest GetJob(long id) => new(HttpMethod.Get, $"/2/jobs/{id.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Cancel: <c>DELETE /2/jobs/N</c>; the answer is Ganeti's (success, message) pair.</summary>
    public static RapiRequest CancelJob(long id, bool dryRun = false) =>
        new(HttpMethod.Delete, $"/2/jobs/{id.ToString(CultureInfo.InvariantCulture)}", dryRun ? Q(("dry-run", "1")) : []);

    /// <summary>
    /// The long poll: <c>GET /2/jobs/N/wait</c> with the body Ganeti's WaitForJobChange takes. The
    /// master answers when the watched fields or the log change, or with null after its own wait.
    /// </summary>
    public static RapiRequest WaitForJobChange(long id, IReadOnlyList<string> fields, JsonArray? previousJobInfo, long? previousLogSerial) =>
        new(HttpMethod.Get, $"/2/jobs/{id.ToString(CultureInfo.InvariantCulture)}/wait", [], new JsonObject
        {
            ["fields"] = new JsonArray(fields.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()),
            ["previous_job_info"] = previousJobInfo?.DeepClone(),
            ["previous_log_serial"] = previousLogSerial is { } s ? JsonValue.Create(s) : null,
        })
        { IsLongPoll = true };

    /// <summary>
    /// <c>POST /2/jobs</c>: a job of opcodes in Ganeti's JSON form, for operations RAPI has no
    /// resource for. With dry-run every opcode also carries dry_run, so the checks run and nothing changes.
    /// </summary>
    public static RapiRequest SubmitJob(IEnumerable<JsonObject> opcodes, bool dryRun = false, string? reason = null)
    {
        var ops = new JsonArray();
        foreach (var op in opcodes)
        {
            if (op["OP_ID"] is null)
                throw new ArgumentException("every opcode needs an OP_ID", nameof(opcodes));
            var copy = (JsonObject)op.DeepClone();
            if (dryRun) copy["dry_run"] = true;
            ops.Add(copy);
        }
        if (ops.Count == 0)
            throw new ArgumentException("a job needs at least one opcode", nameof(opcodes));
        return new(HttpMethod.Post, "/2/jobs", Common(dryRun, reason), ops);
    }

    /// <summary><c>POST /2/nodes/N/evacuate</c> (gnt-node evacuate), Ganeti's node-evac-res1 body.</summary>
    public static RapiRequest EvacuateNode(string name, string mode, string? iallocator = null, string? remoteNode = null,
        bool earlyRelease = false, bool dryRun = false, string? reason = null)
    {
        var body = new JsonObject { ["mode"] = mode };
        if (iallocator is not null) body["iallocator"] = iallocator;
        if (remoteNode is not null) body["remote_node"] = remoteNode;
        if (earlyRelease) body["early_release"] = true;
        return new(HttpMethod.Post, $"/2/nodes/{Seg(Required(name))}/evacuate", Common(dryRun, reason), body);
    }

    /// <summary>
    /// <c>POST /2/nodes/N/migrate</c> (gnt-node migrate): the job that submits one migration per
    /// primary instance. <paramref name="live"/> true/false is Ganeti's mode live/non-live; null
    /// follows each instance's migration_mode.
    /// </summary>
    public static RapiRequest MigrateNode(string name, bool? live = null, string? targetNode = null, string? iallocator = null,
        bool? allowRuntimeChanges = null, bool ignoreIpolicy = false, bool dryRun = false, string? reason = null)
    {
        var body = new JsonObject();
        if (live is { } l) body["mode"] = l ? "live" : "non-live";
        if (targetNode is not null) body["target_node"] = targetNode;
        if (iallocator is not null) body["iallocator"] = iallocator;
        if (allowRuntimeChanges is { } a) body["allow_runtime_changes"] = a;
        if (ignoreIpolicy) body["ignore_ipolicy"] = true;
        return new(HttpMethod.Post, $"/2/nodes/{Seg(Required(name))}/migrate", Common(dryRun, reason), body);
    }

    /// <summary><c>GET /2/cluster/balance</c> (GanetiCluster extension): an hbal plan.</summary>
    public static RapiRequest GetBalancePlan(int? maxMoves = null, double? minGain = null, bool evacuateOnly = false,
        bool noDiskMoves = false, bool noInstanceMoves = false, string? group = null)
    {
        var q = new List<KeyValuePair<string, string>>();
        if (maxMoves is { } m) q.Add(new("max-moves", m.ToString(CultureInfo.InvariantCulture)));
        if (minGain is { } g) q.Add(new("min-gain", g.ToString("R", CultureInfo.InvariantCulture)));
        if (evacuateOnly) q.Add(new("evac-mode", "1"));
        if (noDiskMoves) q.Add(new("no-disk-moves", "1"));
        if (noInstanceMoves) q.Add(new("no-instance-moves", "1"));
        if (group is not null) q.Add(new("group", group));
        return new(HttpMethod.Get, "/2/cluster/balance", q);
    }

    /// <summary><c>GET /2/cluster/capacity</c> (GanetiCluster extension): hspace's figures; specs are disk,memory,cpus[,spindles].</summary>
    public static RapiRequest GetCapacity(string? diskTemplate = null, string? standardSpec = null, string? tieredSpec = null)
    {
        var q = new List<KeyValuePair<string, string>>();
        if (diskTemplate is not null) q.Add(new("disk-template", diskTemplate));
        if (standardSpec is not null) q.Add(new("standard-spec", standardSpec));
        if (tieredSpec is not null) q.Add(new("tiered-spec", tieredSpec));
        return new(HttpMethod.Get, "/2/cluster/capacity", q);
    }

    public static RapiRequest Query(string resource, IEnumerable<string> fields) =>
        new(HttpMethod.Get, $"/2/query/{Seg(resource)}", Q(("fields", string.Join(",", fields))));

    /// <summary><c>PUT /2/query/RES</c> with a Query2 filter, for the resources that allow it.</summary>
    public static RapiRequest QueryFiltered(string resource, IEnumerable<string> fields, JsonNode? qfilter)
    {
        var body = new JsonObject { ["fields"] = new JsonArray(fields.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray()) };
        if (qfilter is not null)
        {
            body["qfilter"] = qfilter.DeepClone();
            body["filter"] = qfilter.DeepClone();
        }
        return new(HttpMethod.Put, $"/2/query/{Seg(resource)}", [], body);
    }

    public static RapiRequest QueryFields(string resource, IEnumerable<string>? fields = null) =>
        new(HttpMethod.Get, $"/2/query/{Seg(resource)}/fields", fields is null ? [] : Q(("fields", string.Join(",", fields))));

    public static RapiRequest GetTags(GntTagKind kind, string? name) => new(HttpMethod.Get, TagPath(kind, name));

    /// <summary>Adds tags: <c>PUT .../tags?tag=a&amp;tag=b</c> (Ganeti reads the tags from the query).</summary>
    public static RapiRequest AddTags(GntTagKind kind, string? name, IEnumerable<string> tags, bool dryRun = false, string? reason = null) =>
        new(HttpMethod.Put, TagPath(kind, name), TagQuery(tags, dryRun, reason));

    public static RapiRequest DeleteTags(GntTagKind kind, string? name, IEnumerable<string> tags, bool dryRun = false, string? reason = null) =>
        new(HttpMethod.Delete, TagPath(kind, name), TagQuery(tags, dryRun, reason));

    public static string TagPath(GntTagKind kind, string? name) => kind switch
    {
        GntTagKind.Cluster => "/2/tags",
        GntTagKind.Node => $"/2/nodes/{Seg(Required(name))}/tags",
        GntTagKind.Instance => $"/2/instances/{Seg(Required(name))}/tags",
        GntTagKind.Group => $"/2/groups/{Seg(Required(name))}/tags",
        GntTagKind.Network => $"/2/networks/{Seg(Required(name))}/tags",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static List<KeyValuePair<string, string>> TagQuery(IEnumerable<string> tags, bool dryRun, string? reason)
    {
        var q = tags.Select(t => new KeyValuePair<string, string>("tag", t)).ToList();
        if (q.Count == 0)
            throw new ArgumentException("at least one tag is needed", nameof(tags));
        if (dryRun) q.Add(new("dry-run", "1"));
        AddReason(q, reason);
        return q;
    }

    private static string Required(string? name) =>
        string.IsNullOrEmpty(name) ? throw new ArgumentException("a name is required (an empty one names nothing)") : name;

    private static List<KeyValuePair<string, string>> Common(bool dryRun, string? reason)
    {
        var q = new List<KeyValuePair<string, string>>();
        if (dryRun) q.Add(new("dry-run", "1"));
        AddReason(q, reason);
        return q;
    }

    private static void AddReason(List<KeyValuePair<string, string>> q, string? reason)
    {
        if (!string.IsNullOrEmpty(reason)) q.Add(new("reason", reason));
    }

    private static List<KeyValuePair<string, string>> Q(params (string Key, string Value)[] items) =>
        items.Select(i => new KeyValuePair<string, string>(i.Key, i.Value)).ToList();

    /// <summary>A name as one path segment: '/' and other reserved characters are escaped.</summary>
    public static string Seg(string s) => Uri.EscapeDataString(s);

    /// <summary>Plain .NET values (dictionaries, lists, numbers, strings, booleans) as JSON.</summary>
    public static JsonObject ToJson(IEnumerable<KeyValuePair<string, object?>> dict)
    {
        var o = new JsonObject();
        foreach (var (k, v) in dict)
            o[k] = ToJsonValue(v);
        return o;
    }

    public static JsonNode? ToJsonValue(object? v) => v switch
    {
        null => null,
        JsonNode n => n.DeepClone(),
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        decimal m => JsonValue.Create(m),
        IEnumerable<KeyValuePair<string, object?>> kv => ToJson(kv),
        IDictionary d => ToJson(d.Keys.Cast<object>().Select(k => new KeyValuePair<string, object?>(k.ToString()!, d[k]))),
        IEnumerable e => new JsonArray(e.Cast<object?>().Select(ToJsonValue).ToArray()),
        _ => JsonValue.Create(Convert.ToString(v, CultureInfo.InvariantCulture)),
    };
}
