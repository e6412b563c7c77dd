// Cluster benchmarks against a lab (tests/lab/lab.sh) of N nodes on this machine, with a master
// in this process at the lab bridge's address: the time to add a node (host key fetched, checks,
// configuration, ssconf and queue handed over), and the time one configuration change takes to
// reach every master candidate with 1,000 and 10,000 instances in the configuration.
// Usage: ClusterBench [--nodes N] [--changes C] [--sizes 1000,10000]
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Jobs;
using Ganeti.Core.Paths;
using Ganeti.Daemon;
using Ganeti.Master;
using Ganeti.Master.Config;
using Ganeti.Master.Rpc;
using Ganeti.Bench;
using Ganeti.Remoting.NodeRpc;

var nodes = IntArg("--nodes", 3);
var changes = IntArg("--changes", 10);
var sizes = (StrArg("--sizes") ?? "1000,10000").Split(',').Select(int.Parse).ToList();
// GNTLAB_PREFIX and GNTLAB_SUBNET pick another lab, so that two runs on one machine do not share one.
var labPrefix = Environment.GetEnvironmentVariable("GNTLAB_PREFIX") is { Length: > 0 } lp ? lp : "gntcb";
var lab = new Lab(labPrefix, Environment.GetEnvironmentVariable("GNTLAB_SUBNET") is { Length: > 0 } ls ? ls : "10.185.0");
var root = Path.Combine(Path.GetTempPath(), labPrefix + "-master");
Console.WriteLine($"ClusterBench: {nodes} lab node(s) as master candidates, {Environment.ProcessorCount} CPU(s)");
try
{
    await lab.UpAsync(nodes);
    if (Directory.Exists(root)) Directory.Delete(root, true);
    var paths = new GanetiPaths(root);
    ClusterBootstrap.Init(new InitOptions
    {
        Root = root, ClusterName = "bench.lab", NodeName = "master", PrimaryIp = lab.Subnet + ".254",
        EnabledHypervisors = ["fake"], EnabledDiskTemplates = ["diskless", "file"],
    });
    File.Copy(lab.ClusterKey, paths.ClusterSshKey, overwrite: true);
    if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(paths.ClusterSshKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    File.WriteAllText(paths.KnownHosts, "");
    var ssh = new NodeSsh(paths);
    MasterDaemon? started = null;
    var transports = LocalNode.ClusterTransports(paths, ConfigStore.Load(paths).Current, () => started!.Context.Config.Current, ssh);
    await using var master = started = MasterDaemon.Start(paths, transports, options: new MasterOptions { Ssh = ssh });

    var add = new List<double>();
    foreach (var (name, address) in lab.Nodes)
    {
        var sw = Stopwatch.StartNew();
        var job = await RunAsync(master, new JsonObject { ["OP_ID"] = "OP_NODE_ADD", ["node_name"] = name, ["primary_ip"] = address });
        add.Add(sw.Elapsed.TotalMilliseconds);
        if (job.CalcStatus() != JobStatus.Success) throw new InvalidOperationException($"node add {name} failed: {job.Ops[0].Result?.ToJsonString()}");
    }
    Report("node add (keyscan, ssh, checks, config + ssconf + queue)", add);
    var cfg0 = master.Context.Config.Current;
    Console.WriteLine($"master candidates besides the master: {cfg0.Nodes.Values.Count(n => n.MasterCandidate && n.Uuid != cfg0.Cluster.MasterNode)}");

    var store = master.Context.Config;
    // The replication alone: the part of a change after the master's own write (serialize, fsync, rename).
    var replication = new List<double>();
    var replicate = store.AfterWrite!;
    store.AfterWrite = async (c, ct) =>
    {
        var sw = Stopwatch.StartNew();
        await replicate(c, ct);
        replication.Add(sw.Elapsed.TotalMilliseconds);
    };
    var made = 0;
    foreach (var size in sizes)
    {
        var masterUuid = store.Current.Cluster.MasterNode;
        await store.UpdateAsync(c =>
        {
            for (; made < size; made++)
            {
                var inst = new Instance
                {
                    Uuid = Guid.NewGuid().ToString(), Name = $"inst{made:D5}.bench.lab", PrimaryNode = masterUuid, Os = "noop",
                    Hypervisor = "fake", DiskTemplate = "diskless",
                    Beparams = new() { ["maxmem"] = JsonSerializer.SerializeToElement(128), ["vcpus"] = JsonSerializer.SerializeToElement(1) },
                    Nics = [new Nic { Uuid = Guid.NewGuid().ToString(), Mac = $"aa:00:00:{made >> 16 & 0xff:x2}:{made >> 8 & 0xff:x2}:{made & 0xff:x2}" }],
                };
                c.Instances[inst.Uuid] = inst;
            }
        });
        var bytes = new FileInfo(paths.ConfigData).Length;
        var samples = new List<double>();
        replication.Clear();
        for (var i = 0; i < changes; i++)
        {
            var sw = Stopwatch.StartNew();
            await store.UpdateAsync(c => c.Cluster.Tags = [$"bench-{size}-{i}"]);
            samples.Add(sw.Elapsed.TotalMilliseconds);
        }
        var failed = master.Context.Replication.Failed;
        if (failed.Count > 0) throw new InvalidOperationException("replication failed: " + string.Join("; ", failed.Values));
        var serial = store.Current.SerialNo;
        foreach (var (name, _) in lab.Nodes)
        {
            var copy = GanetiJson(File.ReadAllBytes(Path.Combine(lab.RootOf(name), "var/lib/ganeti/config.data")));
            if (copy != serial) throw new InvalidOperationException($"{name} has serial {copy}, the master {serial}");
        }
        Report($"config change to {nodes} candidates, {size} instances ({bytes / 1024} KiB)", samples);
        Report($"  of which pushing it to the {nodes} candidates", replication);
    }
}
finally
{
    await lab.DownAsync();
    if (Directory.Exists(root)) Directory.Delete(root, true);
}
return 0;

static long GanetiJson(byte[] data)
{
    using var doc = JsonDocument.Parse(data);
    return doc.RootElement.GetProperty("serial_no").GetInt64();
}

static async Task<Job> RunAsync(MasterDaemon m, JsonObject op)
{
    var id = await m.Service.SubmitJobAsync([op], CancellationToken.None);
    while (true)
    {
        var job = m.Service.GetJob(id)!;
        if (JobStatus.IsFinal(job.CalcStatus())) return job;
        await Task.Delay(20);
    }
}

int IntArg(string name, int fallback) => StrArg(name) is { } v ? int.Parse(v) : fallback;

string? StrArg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static void Report(string what, List<double> ms)
{
    ms.Sort();
    double P(double q) => ms[Math.Min(ms.Count - 1, (int)(q * ms.Count))];
    Console.WriteLine($"{what,-66} n={ms.Count,3}  mean {ms.Average(),9:0.0} ms  p50 {P(0.5),9:0.0}  max {ms[^1],9:0.0}");
}

/// <summary>A lab of its own, torn down at the end.</summary>
internal sealed class Lab(string prefix, string subnet)
{
    private readonly LabScript script = new(
        Environment.GetEnvironmentVariable("GNTLAB_DIR") is { Length: > 0 } d ? d : Path.Combine(Path.GetTempPath(), prefix + "-lab"), prefix, subnet);
    private string dir => script.Dir;
    private readonly Dictionary<string, string> roots = [];

    public string Subnet => subnet;
    public List<(string Name, string Address)> Nodes { get; } = [];
    public string ClusterKey => Path.Combine(dir, "id_cluster");

    public string RootOf(string name) => roots[name];

    public async Task UpAsync(int n)
    {
        foreach (var node in await script.UpAsync(n))
        {
            Nodes.Add((node.Name, node.Address));
            roots[node.Name] = node.Root;
        }
    }

    public Task DownAsync() => script.DownAsync();
}
