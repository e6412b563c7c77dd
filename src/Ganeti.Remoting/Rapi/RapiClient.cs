using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Remoting.Rapi.Errors;
using Ganeti.Remoting.Rapi.Model;
using Ganeti.Remoting.Rapi.Requests;
using Ganeti.Remoting.Rapi.Tls;

namespace Ganeti.Remoting.Rapi;

/// <summary>
/// Client of Ganeti's Remote API v2 over HTTPS with Basic authentication. Every resource a
/// GanetiCluster master serves has a typed method; <see cref="SendAsync"/> sends any other
/// request. Failures surface as <see cref="RapiException"/> and its kinds: connection,
/// certificate, authentication, and Ganeti error bodies with their error kind.
/// </summary>
public sealed class RapiClient : IDisposable
{
    /// <summary>Time allowed beyond <see cref="RapiClientOptions.Timeout"/> for a long poll (Ganeti waits 10 s server-side).</summary>
    public static readonly TimeSpan LongPollAllowance = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly AuthenticationHeaderValue? _auth;

    public RapiClient(RapiClientOptions options, HttpMessageHandler? handler = null)
    {
        Options = options;
        if (handler is null)
        {
            var store = options.TlsMode == RapiTlsMode.TrustOnFirstUse
                ? new ThumbprintStore(options.KnownHostsPath ?? ThumbprintStore.DefaultPath())
                : null;
            CertificateValidator = new RapiCertificateValidator(options.TlsMode, options.Host, options.Port, options.CertificateThumbprint, store);
            var validator = CertificateValidator;
            handler = new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
                SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, errors) => validator.Validate(cert, errors) },
            };
        }
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = options.BaseUri,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("GanetiCluster-PowerShell", Ganeti.Core.ProjectInfo.Version));
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (options.UserName is not null)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.UserName}:{options.Password}"));
            _auth = new AuthenticationHeaderValue("Basic", token);
        }
    }

    public RapiClientOptions Options { get; }

    /// <summary>The TLS trust decision maker; null when a custom handler was given.</summary>
    public RapiCertificateValidator? CertificateValidator { get; }

    public string Endpoint => $"{Options.Host}:{Options.Port}";

    // ---- cluster ---------------------------------------------------------------------------

    /// <summary><c>GET /version</c>: the RAPI protocol version (2).</summary>
    public async Task<int> GetVersionAsync(CancellationToken ct = default) =>
        (int)(JsonFields.Long(await SendAsync(RapiRequests.GetVersion(), ct).ConfigureAwait(false)) ??
              throw Protocol(RapiRequests.GetVersion(), "a version number"));

    /// <summary><c>GET /2/info</c> (gnt-cluster info).</summary>
    public async Task<GntCluster> GetClusterAsync(CancellationToken ct = default)
    {
        var req = RapiRequests.GetInfo();
        return GntCluster.FromInfo(await SendAsync(req, ct).ConfigureAwait(false) as JsonObject ?? throw Protocol(req, "an object"));
    }

    /// <summary><c>GET /2/features</c>: feature strings such as instance-create-reqv1.</summary>
    public async Task<string[]> GetFeaturesAsync(CancellationToken ct = default) =>
        JsonFields.StrList(await SendAsync(RapiRequests.GetFeatures(), ct).ConfigureAwait(false));

    /// <summary><c>GET /2/os</c>: the OS definitions valid on all nodes, variants included.</summary>
    public async Task<IReadOnlyList<GntOS>> GetOperatingSystemsAsync(CancellationToken ct = default)
    {
        var req = RapiRequests.GetOperatingSystems();
        var arr = await SendAsync(req, ct).ConfigureAwait(false) as JsonArray ?? throw Protocol(req, "a list");
        return arr.SelectMany(GntOS.FromEntry).ToList();
    }

    // ---- nodes -----------------------------------------------------------------------------

    /// <summary><c>GET /2/nodes?bulk=1</c>: all nodes in one request.</summary>
    public async Task<IReadOnlyList<GntNode>> GetNodesAsync(CancellationToken ct = default)
    {
        var req = RapiRequests.GetNodes(bulk: true);
        return Objects(req, await SendAsync(req, ct).ConfigureAwait(false)).Select(GntNode.FromFields).ToList();
    }

    /// <summary><c>GET /2/nodes</c>: names only.</summary>
    public async Task<IReadOnlyList<string>> GetNodeNamesAsync(CancellationToken ct = default)
    {
        var req = RapiRequests.GetNodes(bulk: false);
        return Names(req, await SendAsync(req, ct).ConfigureAwait(false));
    }

    /// <summary><c>GET /2/nodes/N</c>; a missing node raises <see cref="RapiErrorKind.NotFound"/>.</summary>
    public async Task<GntNode> GetNodeAsync(string name, CancellationToken ct = default)
    {
        var req = RapiRequests.GetNode(name);
        return GntNode.FromFields(await SendAsync(req, ct).ConfigureAwait(false) as JsonObject ?? throw Protocol(req, "an object"));
    }

    /// <summary>Node add through <c>POST /2/jobs</c> (RAPI has no resource for it); returns the job id.</summary>
    public Task<long> AddNodeAsync(string name, string? primaryIp = null, string? secondaryIp = null, string? group = null, bool readd = false,
        bool? masterCapable = null, bool? vmCapable = null, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.AddNode(name, primaryIp, secondaryIp, group, readd, masterCapable, vmCapable, dryRun, reason), ct);

    /// <summary>Node remove through <c>POST /2/jobs</c>; returns the job id.</summary>
    public Task<long> RemoveNodeAsync(string name, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.RemoveNode(name, dryRun, reason), ct);

    /// <summary><c>POST /2/nodes/N/modify</c>; returns the job id.</summary>
    public Task<long> ModifyClusterAsync(JsonObject changes, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.ModifyCluster(changes, dryRun, reason), ct);

    public Task<long> ModifyNodeAsync(string name, JsonObject changes, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.ModifyNode(name, changes, dryRun, reason), ct);

    // ---- groups ----------------------------------------------------------------------------

    /// <summary><c>GET /2/groups?bulk=1</c>: all node groups with G_FIELDS in one request.</summary>
    public async Task<IReadOnlyList<GntGroup>> GetGroupsAsync(CancellationToken ct = default)
    {
        var req = RapiRequests.GetGroups(bulk: true);
        return Objects(req, await SendAsync(req, ct).ConfigureAwait(false)).Select(GntGroup.FromFields).ToList();
    }

    /// <summary><c>GET /2/groups</c>: names only.</summary>
    public async Task<IReadOnlyList<string>> GetGroupNamesAsync(CancellationToken ct = default)
    {
        var req = RapiRequests.GetGroups(bulk: false);
        return Names(req, await SendAsync(req, ct).ConfigureAwait(false));
    }

    /// <summary><c>GET /2/groups/G</c>; a missing group raises <see cref="RapiErrorKind.NotFound"/>.</summary>
    public async Task<GntGroup> GetGroupAsync(string name, CancellationToken ct = default)
    {
        var req = RapiRequests.GetGroup(name);
        return GntGroup.FromFields(await SendAsync(req, ct).ConfigureAwait(false) as JsonObject ?? throw Protocol(req, "an object"));
    }

    /// <summary><c>POST /2/groups</c> (gnt-group add); returns the job id.</summary>
    public Task<long> CreateGroupAsync(GroupCreateSpec spec, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.CreateGroup(spec, dryRun, reason), ct);

    /// <summary><c>DELETE /2/groups/G</c> (gnt-group remove); returns the job id.</summary>
    public Task<long> DeleteGroupAsync(string name, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.DeleteGroup(name, dryRun, reason), ct);

    /// <summary><c>PUT /2/groups/G/modify</c> (gnt-group modify); returns the job id.</summary>
    public Task<long> ModifyGroupAsync(string name, GroupModifyOptions changes, bool dryRun = false, string? reason = null,
        CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.ModifyGroup(name, changes, dryRun, reason), ct);

    /// <summary><c>PUT /2/groups/G/rename</c> (gnt-group rename); returns the job id.</summary>
    public Task<long> RenameGroupAsync(string name, string newName, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.RenameGroup(name, newName, dryRun, reason), ct);

    /// <summary><c>PUT /2/groups/G/assign-nodes</c> (gnt-group assign-nodes); returns the job id.</summary>
    public Task<long> AssignGroupNodesAsync(string name, IEnumerable<string> nodes, bool force = false, bool dryRun = false,
        string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.AssignGroupNodes(name, nodes, force, dryRun, reason), ct);

    /// <summary><c>POST /2/groups/G/evacuate</c> (gnt-group evacuate): the planning job; its result lists the follow-up jobs.</summary>
    public Task<long> EvacuateGroupAsync(string name, GroupEvacuateOptions options, bool dryRun = false, string? reason = null,
        CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.EvacuateGroup(name, options, dryRun, reason), ct);

    // ---- instances -------------------------------------------------------------------------

    /// <summary><c>PUT /2/instances/I/modify</c>; returns the job id.</summary>
    public Task<long> ModifyInstanceAsync(string name, JsonObject changes, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.ModifyInstance(name, changes, dryRun, reason), ct);

    /// <summary><c>GET /2/instances?bulk=1</c>: all instances with I_FIELDS in one request.</summary>
    public async Task<IReadOnlyList<GntInstance>> GetInstancesAsync(CancellationToken ct = default)
    {
        var req = RapiRequests.GetInstances(bulk: true);
        return Objects(req, await SendAsync(req, ct).ConfigureAwait(false)).Select(GntInstance.FromFields).ToList();
    }

    /// <summary><c>GET /2/instances</c>: names only.</summary>
    public async Task<IReadOnlyList<string>> GetInstanceNamesAsync(CancellationToken ct = default)
    {
        var req = RapiRequests.GetInstances(bulk: false);
        return Names(req, await SendAsync(req, ct).ConfigureAwait(false));
    }

    /// <summary><c>GET /2/instances/I</c>; a missing instance raises <see cref="RapiErrorKind.NotFound"/>.</summary>
    public async Task<GntInstance> GetInstanceAsync(string name, CancellationToken ct = default)
    {
        var req = RapiRequests.GetInstance(name);
        return GntInstance.FromFields(await SendAsync(req, ct).ConfigureAwait(false) as JsonObject ?? throw Protocol(req, "an object"));
    }

    /// <summary>Instances with only the given fields, through <c>GET /2/query/instance?fields=</c>.</summary>
    public async Task<IReadOnlyList<GntInstance>> QueryInstancesAsync(IEnumerable<string> fields, CancellationToken ct = default)
    {
        var result = await QueryAsync("instance", fields, ct).ConfigureAwait(false);
        return result.Rows.Select(GntInstance.FromFields).ToList();
    }

    /// <summary><c>POST /2/instances</c> with a version-1 body; returns the job id.</summary>
    public Task<long> CreateInstanceAsync(InstanceCreateSpec spec, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.CreateInstance(spec, dryRun, reason), ct);

    /// <summary><c>DELETE /2/instances/I</c>; returns the job id.</summary>
    public Task<long> DeleteInstanceAsync(string name, bool dryRun = false, string? reason = null, int? shutdownTimeout = null,
        bool ignoreFailures = false, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.DeleteInstance(name, dryRun, reason, shutdownTimeout, ignoreFailures), ct);

    /// <summary><c>PUT /2/instances/I/startup</c>; returns the job id.</summary>
    public Task<long> StartupInstanceAsync(string name, bool dryRun = false, string? reason = null, bool force = false,
        bool noRemember = false, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.StartupInstance(name, dryRun, reason, force, noRemember), ct);

    /// <summary><c>PUT /2/instances/I/shutdown</c>; returns the job id.</summary>
    public Task<long> ShutdownInstanceAsync(string name, bool dryRun = false, string? reason = null, int? timeout = null,
        bool noRemember = false, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.ShutdownInstance(name, dryRun, reason, timeout, noRemember), ct);

    /// <summary><c>POST /2/instances/I/reboot</c>; returns the job id.</summary>
    public Task<long> RebootInstanceAsync(string name, bool dryRun = false, string? reason = null, RebootType? type = null,
        bool? ignoreSecondaries = null, int? shutdownTimeout = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.RebootInstance(name, dryRun, reason, type, ignoreSecondaries, shutdownTimeout), ct);

    /// <summary><c>PUT /2/instances/I/migrate</c> (gnt-instance migrate); returns the job id.</summary>
    public Task<long> MigrateInstanceAsync(string name, InstanceMigrateOptions options, bool dryRun = false, string? reason = null,
        CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.MigrateInstance(name, options, dryRun, reason), ct);

    /// <summary><c>PUT /2/instances/I/failover</c> (gnt-instance failover); returns the job id.</summary>
    public Task<long> FailoverInstanceAsync(string name, InstanceFailoverOptions options, bool dryRun = false, string? reason = null,
        CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.FailoverInstance(name, options, dryRun, reason), ct);

    /// <summary>gnt-instance move, as OP_INSTANCE_MOVE through <c>POST /2/jobs</c>; returns the job id.</summary>
    public Task<long> MoveInstanceAsync(string name, InstanceMoveOptions options, bool dryRun = false, string? reason = null,
        CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.MoveInstance(name, options, dryRun, reason), ct);

    /// <summary><c>PUT /2/instances/I/rename</c>; returns the job id.</summary>
    public Task<long> RenameInstanceAsync(string name, string newName, bool dryRun = false, string? reason = null,
        bool? ipCheck = null, bool? nameCheck = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.RenameInstance(name, newName, dryRun, reason, ipCheck, nameCheck), ct);

    /// <summary><c>GET /2/instances/I/info</c>: submits OP_INSTANCE_QUERY_DATA; returns the job id.</summary>
    public Task<long> GetInstanceInfoAsync(string name, bool? isStatic = null, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.GetInstanceInfo(name, isStatic, reason), ct);

    /// <summary><c>PUT /2/instances/I/activate-disks</c> (a dry run through <c>POST /2/jobs</c>); returns the job id.</summary>
    public Task<long> ActivateInstanceDisksAsync(string name, bool ignoreSize = false, bool dryRun = false, string? reason = null,
        CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.ActivateInstanceDisks(name, ignoreSize, dryRun, reason), ct);

    /// <summary><c>PUT /2/instances/I/deactivate-disks</c> (a dry run through <c>POST /2/jobs</c>); returns the job id.</summary>
    public Task<long> DeactivateInstanceDisksAsync(string name, bool force = false, bool dryRun = false, string? reason = null,
        CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.DeactivateInstanceDisks(name, force, dryRun, reason), ct);

    /// <summary><c>POST /2/instances/I/disk/N/grow</c>; returns the job id.</summary>
    public Task<long> GrowInstanceDiskAsync(string name, int disk, long amountMiB, bool absolute = false, bool? waitForSync = null,
        bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.GrowInstanceDisk(name, disk, amountMiB, absolute, waitForSync, dryRun, reason), ct);

    /// <summary><c>POST /2/instances/I/reinstall</c> (a dry run through <c>POST /2/jobs</c>); returns the job id.</summary>
    public Task<long> ReinstallInstanceAsync(string name, string? os = null, IEnumerable<KeyValuePair<string, object?>>? osParams = null,
        bool start = true, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.ReinstallInstance(name, os, osParams, start, dryRun, reason), ct);

    /// <summary>
    /// <c>PUT /2/instances/I/export</c> in local mode; returns the job id. compress is the
    /// transport compression when the destination is not the primary node.
    /// </summary>
    public Task<long> ExportInstanceAsync(string name, string destinationNode, bool shutdown = true, bool removeInstance = false,
        int? shutdownTimeout = null, bool dryRun = false, string? reason = null, string? compress = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.ExportInstance(name, destinationNode, shutdown, removeInstance, shutdownTimeout, dryRun, reason, compress), ct);

    /// <summary><c>DELETE /2/instances/I/export</c>; returns the job id.</summary>
    public Task<long> RemoveInstanceExportAsync(string name, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.RemoveInstanceExport(name, dryRun, reason), ct);

    /// <summary>
    /// <c>GET /2/instances/I/console</c>. The master answers 503 for an instance that is not
    /// running, which this reports as <see cref="RapiErrorKind.Unavailable"/>.
    /// </summary>
    public async Task<GntConsole> GetInstanceConsoleAsync(string name, CancellationToken ct = default)
    {
        var req = RapiRequests.GetInstanceConsole(name);
        return GntConsole.FromWire(name, await SendAsync(req, ct).ConfigureAwait(false) as JsonObject ?? throw Protocol(req, "a console object"));
    }

    // ---- jobs ------------------------------------------------------------------------------

    /// <summary><c>GET /2/jobs?bulk=1</c>: all jobs with J_FIELDS_BULK (no log, no results).</summary>
    public async Task<IReadOnlyList<GntJob>> GetJobsAsync(CancellationToken ct = default)
    {
        var req = RapiRequests.GetJobs(bulk: true);
        return Objects(req, await SendAsync(req, ct).ConfigureAwait(false)).Select(GntJob.FromFields).ToList();
    }

    /// <summary><c>GET /2/jobs</c>: job ids only.</summary>
    public async Task<IReadOnlyList<long>> GetJobIdsAsync(CancellationToken ct = default)
    {
        var req = RapiRequests.GetJobs(bulk: false);
        return Names(req, await SendAsync(req, ct).ConfigureAwait(false))
            .Select(s => long.TryParse(s, out var id) ? id : -1).Where(id => id >= 0).ToList();
    }

    /// <summary><c>GET /2/jobs/N</c>: one job with J_FIELDS (log and results included).</summary>
    public async Task<GntJob> GetJobAsync(long id, CancellationToken ct = default)
    {
        var req = RapiRequests.GetJob(id);
        return GntJob.FromFields(await SendAsync(req, ct).ConfigureAwait(false) as JsonObject ?? throw Protocol(req, "an object"));
    }

    /// <summary>
    /// <c>GET /2/jobs/N/wait</c>: returns when the watched fields differ from
    /// <paramref name="previousJobInfo"/> or log lines after <paramref name="previousLogSerial"/>
    /// exist; null when nothing changed during the master's wait.
    /// </summary>
    public async Task<GntJobChange?> WaitForJobChangeAsync(long id, IReadOnlyList<string> fields, JsonArray? previousJobInfo,
        long? previousLogSerial, CancellationToken ct = default)
    {
        var req = RapiRequests.WaitForJobChange(id, fields, previousJobInfo, previousLogSerial);
        var result = await SendAsync(req, ct).ConfigureAwait(false);
        if (result is null)
            return null;
        if (result is not JsonObject o || o["job_info"] is not JsonArray info)
            throw Protocol(req, "{job_info, log_entries}");
        var entries = (o["log_entries"] as JsonArray ?? [])
            .Select(e => GntJobLogEntry.FromWire(id, e)).OfType<GntJobLogEntry>().ToArray();
        return new GntJobChange { JobInfo = (JsonArray)info.DeepClone(), LogEntries = entries };
    }

    /// <summary><c>DELETE /2/jobs/N</c>: asks the master to cancel; returns Ganeti's (success, message).</summary>
    public async Task<(bool Success, string Message)> CancelJobAsync(long id, bool dryRun = false, CancellationToken ct = default)
    {
        var req = RapiRequests.CancelJob(id, dryRun);
        var result = await SendAsync(req, ct).ConfigureAwait(false);
        return result switch
        {
            JsonArray { Count: >= 2 } a => (JsonFields.Bool(a[0]) ?? false, JsonFields.Str(a[1]) ?? ""),
            JsonValue v when JsonFields.Bool(v) is { } b => (b, b ? $"Job {id} will be canceled" : $"Job {id} cannot be canceled"),
            _ => throw Protocol(req, "a [success, message] pair"),
        };
    }

    /// <summary><c>POST /2/jobs</c>: submits opcodes in Ganeti's JSON form as one job; returns its id.</summary>
    public Task<long> SubmitJobAsync(IEnumerable<JsonObject> opcodes, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.SubmitJob(opcodes, dryRun, reason), ct);

    /// <summary><c>POST /2/nodes/N/evacuate</c>: the job computing the evacuation; its result lists the follow-up jobs.</summary>
    public Task<long> EvacuateNodeAsync(string name, string mode, string? iallocator = null, string? remoteNode = null,
        bool earlyRelease = false, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.EvacuateNode(name, mode, iallocator, remoteNode, earlyRelease, dryRun, reason), ct);

    /// <summary><c>POST /2/nodes/N/migrate</c>: the job submitting one migration per primary instance; its result lists them.</summary>
    public Task<long> MigrateNodeAsync(string name, bool? live = null, string? targetNode = null, string? iallocator = null,
        bool? allowRuntimeChanges = null, bool ignoreIpolicy = false, bool dryRun = false, string? reason = null, CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.MigrateNode(name, live, targetNode, iallocator, allowRuntimeChanges, ignoreIpolicy, dryRun, reason), ct);

    /// <summary><c>GET /2/cluster/balance</c> (GanetiCluster extension): the balancing plan the master computes.</summary>
    public async Task<GntBalancePlan> GetBalancePlanAsync(int? maxMoves = null, double? minGain = null, bool evacuateOnly = false,
        bool noDiskMoves = false, bool noInstanceMoves = false, string? group = null, CancellationToken ct = default)
    {
        var req = RapiRequests.GetBalancePlan(maxMoves, minGain, evacuateOnly, noDiskMoves, noInstanceMoves, group);
        return GntBalancePlan.FromWire(await SendAsync(req, ct).ConfigureAwait(false) as JsonObject ?? throw Protocol(req, "an object"));
    }

    /// <summary><c>GET /2/cluster/capacity</c> (GanetiCluster extension): how many more instances fit.</summary>
    public async Task<GntClusterCapacity> GetCapacityAsync(string? diskTemplate = null, string? standardSpec = null, string? tieredSpec = null,
        CancellationToken ct = default)
    {
        var req = RapiRequests.GetCapacity(diskTemplate, standardSpec, tieredSpec);
        return GntClusterCapacity.FromWire(await SendAsync(req, ct).ConfigureAwait(false) as JsonObject ?? throw Protocol(req, "an object"));
    }

    // ---- query -----------------------------------------------------------------------------

    /// <summary><c>GET /2/query/RES?fields=a,b</c>.</summary>
    public async Task<GntQueryResult> QueryAsync(string resource, IEnumerable<string> fields, CancellationToken ct = default)
    {
        var req = RapiRequests.Query(resource, fields);
        return GntQueryResult.FromWire(await SendAsync(req, ct).ConfigureAwait(false) as JsonObject ?? throw Protocol(req, "an object"));
    }

    /// <summary><c>GET /2/query/RES/fields</c>: the fields a resource has.</summary>
    public async Task<IReadOnlyList<GntQueryField>> QueryFieldsAsync(string resource, CancellationToken ct = default)
    {
        var req = RapiRequests.QueryFields(resource);
        var o = await SendAsync(req, ct).ConfigureAwait(false) as JsonObject ?? throw Protocol(req, "an object");
        return GntQueryResult.FromWire(new JsonObject { ["fields"] = o["fields"]?.DeepClone(), ["data"] = new JsonArray() }).Fields;
    }

    // ---- tags ------------------------------------------------------------------------------

    /// <summary><c>GET /2/tags</c>, <c>/2/instances/I/tags</c>, <c>/2/nodes/N/tags</c>, <c>/2/groups/G/tags</c>.</summary>
    public async Task<IReadOnlyList<string>> GetTagsAsync(GntTagKind kind, string? name, CancellationToken ct = default) =>
        JsonFields.StrList(await SendAsync(RapiRequests.GetTags(kind, name), ct).ConfigureAwait(false));

    /// <summary><c>PUT .../tags?tag=...</c>; returns the job id.</summary>
    public Task<long> AddTagsAsync(GntTagKind kind, string? name, IEnumerable<string> tags, bool dryRun = false, string? reason = null,
        CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.AddTags(kind, name, tags, dryRun, reason), ct);

    /// <summary><c>DELETE .../tags?tag=...</c>; returns the job id.</summary>
    public Task<long> DeleteTagsAsync(GntTagKind kind, string? name, IEnumerable<string> tags, bool dryRun = false, string? reason = null,
        CancellationToken ct = default) =>
        SubmitAsync(RapiRequests.DeleteTags(kind, name, tags, dryRun, reason), ct);

    // ---- transport -------------------------------------------------------------------------

    /// <summary>Sends a request that answers with a job id (a number, or a string of digits in older Ganeti).</summary>
    public async Task<long> SubmitAsync(RapiRequest request, CancellationToken ct = default) =>
        ParseJobId(request, await SendAsync(request, ct).ConfigureAwait(false));

    public static long ParseJobId(RapiRequest request, JsonNode? node) =>
        JsonFields.Long(node) is { } id and >= 0 ? id : throw Protocol(request, "a job id");

    /// <summary>Sends one request and returns the parsed JSON answer (null for an empty or null body).</summary>
    public async Task<JsonNode?> SendAsync(RapiRequest request, CancellationToken ct = default)
    {
        using var msg = new HttpRequestMessage(request.Method, request.PathAndQuery);
        if (_auth is not null)
            msg.Headers.Authorization = _auth;
        if (request.Body is not null)
            msg.Content = new StringContent(request.Body.ToJsonString(Ganeti.Core.Json.GanetiJson.Options), Encoding.UTF8, "application/json");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(request.IsLongPoll ? Options.Timeout + LongPollAllowance : Options.Timeout);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await _http.SendAsync(msg, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new RapiConnectionException(RapiErrorKind.Timeout,
                $"The master at {Endpoint} did not answer {request.Display} within {Options.Timeout.TotalSeconds:0} s.")
            { Endpoint = Endpoint, Request = request.Display };
        }
        catch (HttpRequestException ex)
        {
            throw TransportError(request, ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw RapiErrorParser.FromResponse(response.StatusCode, body, request.Display, Options.UserName);
            if (string.IsNullOrWhiteSpace(body))
                return null;
            try
            {
                return JsonNode.Parse(body);
            }
            catch (JsonException ex)
            {
                throw new RapiException(RapiErrorKind.Protocol,
                    $"The master's answer to {request.Display} is not JSON; is {Endpoint} a Ganeti RAPI endpoint?", ex)
                { StatusCode = response.StatusCode, Request = request.Display };
            }
        }
    }

    private RapiException TransportError(RapiRequest request, HttpRequestException ex)
    {
        var auth = Find<AuthenticationException>(ex);
        if (auth is not null && CertificateValidator?.LastRejection is { } why)
        {
            return new RapiCertificateException(
                $"The certificate of {Endpoint} is not trusted: {why}. Presented SHA-256 thumbprint: " +
                $"{CertificateValidator.LastPresentedThumbprint}.",
                CertificateValidator.LastPresentedThumbprint, CertificateValidator.LastExpectedThumbprint, ex)
            { Request = request.Display };
        }
        var socket = Find<SocketException>(ex);
        var text = socket?.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => $"Connection to {Endpoint} refused: is the master running and serving RAPI on port {Options.Port}?",
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"Cannot resolve the master's name '{Options.Host}'.",
            SocketError.TimedOut => $"Connecting to {Endpoint} timed out.",
            SocketError.NetworkUnreachable or SocketError.HostUnreachable => $"No route to {Endpoint}.",
            SocketError.ConnectionReset => $"{Endpoint} closed the connection during {request.Display}.",
            _ when auth is not null => $"The TLS handshake with {Endpoint} failed: {auth.Message} Is it serving HTTPS?",
            _ => $"Cannot reach the master at {Endpoint}: {ex.Message}",
        };
        var kind = socket?.SocketErrorCode == SocketError.TimedOut ? RapiErrorKind.Timeout : RapiErrorKind.ConnectionFailed;
        return new RapiConnectionException(kind, text, ex) { Endpoint = Endpoint, Request = request.Display };
    }

    private static T? Find<T>(Exception? ex) where T : Exception
    {
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is T t) return t;
        return null;
    }

    private static IEnumerable<JsonObject> Objects(RapiRequest req, JsonNode? n) =>
        n is JsonArray a ? a.OfType<JsonObject>() : throw Protocol(req, "a list");

    /// <summary>Reads a non-bulk listing: <c>[{"id": name, "uri": ...}]</c> (older docs say "name").</summary>
    private static IReadOnlyList<string> Names(RapiRequest req, JsonNode? n)
    {
        if (n is not JsonArray a) throw Protocol(req, "a list");
        return a.Select(x => x is JsonObject o ? JsonFields.Str(o, "id") ?? JsonFields.Str(o, "name") : JsonFields.Str(x))
            .OfType<string>().ToList();
    }

    private static RapiException Protocol(RapiRequest req, string expected) =>
        new(RapiErrorKind.Protocol, $"The master's answer to {req.Display} is not {expected}.") { Request = req.Display };

    public void Dispose() => _http.Dispose();
}
