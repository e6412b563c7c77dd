using System.Text.Json.Nodes;
using Ganeti.Core.Jobs;
using Ganeti.Core.Paths;
using Ganeti.Master.Config;
using Ganeti.NodeHelpers;
using Ganeti.NodeHelpers.Hypervisors.Fake;
using Ganeti.NodeHelpers.Hypervisors.Kvm;
using Ganeti.NodeHelpers.Rpc;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.Master.Tests.TestSupport;

/// <summary>
/// A real single-node cluster in a temporary directory: bootstrap, master daemon, and the
/// node's own dispatcher (fake hypervisor, file storage, OS runner) called in-process.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TempDir dir = new();

    public TestCluster(int maxRunningJobs = 20, IReadOnlyList<string>? osSearchPath = null,
        IReadOnlyList<string>? hypervisors = null, Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>>? hvparams = null)
    {
        Paths = new GanetiPaths(dir.Path);
        OsDir = System.IO.Path.Combine(dir.Path, "os");
        Directory.CreateDirectory(OsDir);
        ClusterBootstrap.Init(new InitOptions
        {
            Root = dir.Path,
            ClusterName = "test.cluster",
            EnabledHypervisors = hypervisors ?? ["fake"],
            Hvparams = hvparams ?? [],
            EnabledDiskTemplates = ["file", "diskless"],
            NodeName = "node1.test",
            PrimaryIp = "127.0.0.1",
            MaxRunningJobs = maxRunningJobs,
            OsSearchPath = osSearchPath ?? [OsDir, .. GanetiPaths.DefaultOsSearchPath],
        });
        Daemon = Start();
    }

    public GanetiPaths Paths { get; }
    public string OsDir { get; }
    public MasterDaemon Daemon { get; private set; }
    public IMasterService Service => Daemon.Service;

    private readonly Dictionary<string, NodeRpcHandler> dispatchers = new(StringComparer.Ordinal);
    private readonly HashSet<string> down = new(StringComparer.Ordinal);

    private MasterDaemon Start()
    {
        var cfg = ConfigStore.Load(Paths).Current;
        var node = cfg.MasterNode;
        lock (dispatchers) dispatchers[node.Name] = Dispatcher(node.Name, Paths, cfg, null);
        return MasterDaemon.Start(Paths, n => new TestNetworkTransport(this, n.Name),
            (name, _) => Task.FromResult<string?>(name.EndsWith(".resolvable", StringComparison.Ordinal) ? "192.0.2.10" : null),
            new MasterOptions { ReplicationTimeout = TimeSpan.FromSeconds(5), NodeCheckTimeout = TimeSpan.FromSeconds(5), WatcherInterval = null });
    }

    /// <summary>
    /// Another machine on the test network: its own root and dispatcher (fake hypervisor only),
    /// answering to its name, not part of the cluster until a node add takes it in.
    /// </summary>
    public GanetiPaths AddMachine(string name)
    {
        var paths = new GanetiPaths(System.IO.Path.Combine(dir.Path, "machines", name));
        Directory.CreateDirectory(paths.DataDir);
        var ctx = new NodeContext(name, paths, [new FakeHypervisor(paths)])
        {
            OsSearchPath = [OsDir],
            AllowedFileStoragePaths = [paths.DefaultFileStorageDir],
        };
        lock (dispatchers) dispatchers[name] = NodeServices.CreateDispatcher(ctx).DispatchAsync;
        return paths;
    }

    private readonly Dictionary<(string Node, string Procedure), Func<JsonNode?, JsonNode?>> faults = [];

    /// <summary>
    /// From now on <paramref name="procedure"/> on <paramref name="node"/> is answered by
    /// <paramref name="answer"/> (which may throw, as a failing node does) instead of the node.
    /// </summary>
    public void Intercept(string node, string procedure, Func<JsonNode?, JsonNode?> answer)
    {
        lock (dispatchers) faults[(node, procedure)] = answer;
    }

    /// <summary>The procedure reaches the node again.</summary>
    public void StopIntercepting(string node, string procedure)
    {
        lock (dispatchers) faults.Remove((node, procedure));
    }

    /// <summary>The machine stops answering (true) or answers again (false).</summary>
    public void SetDown(string name, bool isDown)
    {
        lock (dispatchers)
            if (isDown) down.Add(name);
            else down.Remove(name);
    }

    /// <summary>Reaches a machine by name, unless it is down or unknown ("no route to host").</summary>
    private sealed class TestNetworkTransport(TestCluster cluster, string name) : INodeTransport
    {
        public string NodeName => name;

        public Task<JsonNode?> CallAsync(string procedure, JsonNode? args, TimeSpan timeout, CancellationToken cancellationToken)
        {
            NodeRpcHandler? d;
            Func<JsonNode?, JsonNode?>? fault;
            lock (cluster.dispatchers)
            {
                if (cluster.down.Contains(name) || !cluster.dispatchers.TryGetValue(name, out d))
                    throw new NodeUnreachableException(name, procedure, "no route to host");
                cluster.faults.TryGetValue((name, procedure), out fault);
            }
            if (fault is not null)
                return Task.FromResult(fault(args));
            return new InProcessTransport(name, d).CallAsync(procedure, args, timeout, cancellationToken);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static NodeRpcHandler Dispatcher(string nodeName, GanetiPaths paths, Core.Config.ConfigData cfg, Func<HvNodeInfo>? facts,
        NodeHelpers.Processes.ICommandRunner? storageCommands = null, Func<CancellationToken, Task<string>>? readProcDrbd = null)
    {
        var ctx = new NodeContext(nodeName, paths, [new FakeHypervisor(paths, facts), new KvmHypervisor(paths)])
        {
            // As a real node searches the cluster's path: under its own root first.
            OsSearchPath = paths.ResolveOsSearchPath(cfg.Cluster.OsSearchPath),
            AllowedFileStoragePaths = [cfg.Cluster.FileStorageDir, cfg.Cluster.SharedFileStorageDir],
            StorageCommands = storageCommands ?? NodeHelpers.Processes.ProcessCommandRunner.Instance,
            ReadProcDrbd = readProcDrbd,
        };
        return NodeServices.CreateDispatcher(ctx).DispatchAsync;
    }

    /// <summary>
    /// Adds another node, served in-process from its own state tree, with the memory the fake
    /// hypervisor reports for it (so allocators see different nodes).
    /// </summary>
    /// <remarks>
    /// A node may run its storage tools through a recording command layer (with /proc/drbd
    /// read from the given function), for templates this machine cannot run: plain and drbd.
    /// </remarks>
    public async Task<GanetiPaths> AddFakeNodeAsync(string name, long memoryMiB, int cpus = 4,
        NodeHelpers.Processes.ICommandRunner? storageCommands = null, Func<string>? procDrbd = null)
    {
        var cfg = Daemon.Context.Config.Current;
        var paths = new GanetiPaths(System.IO.Path.Combine(dir.Path, "nodes", name));
        var handler = Dispatcher(name, paths, cfg, () => new HvNodeInfo
        {
            MemoryTotal = memoryMiB, MemoryFree = memoryMiB - 512, MemoryDom0 = 512, CpuTotal = cpus, CpuDom0 = 1,
        }, storageCommands, procDrbd is null ? null : _ => Task.FromResult(procDrbd()));
        lock (dispatchers) dispatchers[name] = handler;
        var now = ConfigStore.Now();
        await Daemon.Context.Config.UpdateAsync(c =>
        {
            var uuid = Guid.NewGuid().ToString();
            c.Nodes[uuid] = new Core.Config.Node
            {
                Uuid = uuid, Name = name, PrimaryIp = "127.0.0.1", SecondaryIp = "127.0.0.1",
                Group = c.MasterNode.Group, RootDir = paths.Root, Ctime = now, Mtime = now,
            };
        });
        return paths;
    }

    /// <summary>Stops the master (as a clean stop would) and starts a new one on the same state.</summary>
    public async Task RestartAsync()
    {
        await Daemon.DisposeAsync();
        Daemon = Start();
    }

    /// <summary>Writes a minimal API-20 OS definition whose create script runs <paramref name="createBody"/>.</summary>
    /// <param name="osDir">The search directory to write it in (default <see cref="OsDir"/>).</param>
    public string AddOs(string name, string createBody = "exit 0", string[]? variants = null, string? osDir = null)
    {
        var d = System.IO.Path.Combine(osDir ?? OsDir, name);
        Directory.CreateDirectory(d);
        File.WriteAllText(System.IO.Path.Combine(d, "ganeti_api_version"), "20\n");
        File.WriteAllText(System.IO.Path.Combine(d, "parameters.list"), "");
        if (variants is not null) File.WriteAllLines(System.IO.Path.Combine(d, "variants.list"), variants);
        foreach (var script in new[] { "create", "import", "export", "rename", "verify" })
        {
            var p = System.IO.Path.Combine(d, script);
            File.WriteAllText(p, "#!/bin/sh\n" + (script == "create" ? createBody : "exit 0") + "\n");
            File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return d;
    }

    public Task<long> SubmitAsync(params JsonObject[] ops) => Service.SubmitJobAsync(ops, CancellationToken.None);

    /// <summary>Waits until the job is final (bounded) and returns it.</summary>
    public async Task<Job> WaitAsync(long id, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var job = Service.GetJob(id) ?? throw new InvalidOperationException($"job {id} vanished");
            if (JobStatus.IsFinal(job.CalcStatus())) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} still {job.CalcStatus()} after {seconds}s");
            await Service.WaitForJobChangeAsync(id, ["status"], null, null, TimeSpan.FromMilliseconds(200), CancellationToken.None)
                .ContinueWith(_ => Task.Delay(10));
        }
    }

    public async Task<Job> RunAsync(params JsonObject[] ops) => await WaitAsync(await SubmitAsync(ops));

    /// <summary>Runs a job that may take long (real guests under TCG).</summary>
    public async Task<Job> RunSlowAsync(JsonObject op, int seconds) => await WaitAsync(await SubmitAsync(op), seconds);

    public static JsonObject Op(string opId, object? fields = null)
    {
        var o = fields is null ? new JsonObject() : System.Text.Json.JsonSerializer.SerializeToNode(fields)!.AsObject();
        o["OP_ID"] = opId;
        return o;
    }

    public static JsonObject Create(string name, string template = "diskless", int? diskSize = null, string? os = null,
        bool start = true, object? extra = null)
    {
        var o = new JsonObject
        {
            ["OP_ID"] = "OP_INSTANCE_CREATE",
            ["instance_name"] = name,
            ["mode"] = "create",
            ["disk_template"] = template,
            ["disks"] = diskSize is null ? new JsonArray() : new JsonArray(new JsonObject { ["size"] = diskSize }),
            ["nics"] = new JsonArray(new JsonObject()),
            ["name_check"] = false,
            ["ip_check"] = false,
            ["start"] = start,
            ["pnode"] = "node1.test",
        };
        if (os is null) o["no_install"] = true;
        else o["os_type"] = os;
        if (extra is not null)
            foreach (var (k, v) in System.Text.Json.JsonSerializer.SerializeToNode(extra)!.AsObject())
                o[k] = v?.DeepClone();
        return o;
    }

    public async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync();
        dir.Dispose();
    }
}
