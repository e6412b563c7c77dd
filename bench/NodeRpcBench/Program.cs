// Node RPC benchmarks over SSH against a lab (tests/lab/lab.sh) of N nodes on this machine:
// connection set-up, round-trip latency and calls/s of `version` to one node and to all nodes
// in parallel over the long-lived connections, against a fresh `ssh node true` per call (what
// a transport without connection reuse pays) and a fresh ssh running the node command.
// Usage: NodeRpcBench [--nodes N] [--seconds S] [--rounds R]
using System.Diagnostics;
using System.Text.Json.Nodes;
using Ganeti.Bench;
using Ganeti.Remoting.NodeRpc;

var nodes = IntArg("--nodes", 3);
var seconds = IntArg("--seconds", 5);
var rounds = IntArg("--rounds", 500);
var lab = new Lab();
Console.WriteLine($"NodeRpcBench: {nodes} lab node(s), {Environment.ProcessorCount} CPU(s), {seconds} s per throughput run");
try
{
    await lab.UpAsync(nodes);
    var transports = lab.Nodes.Select(n => new SshTransport(n.Name, n.Address, lab.Options)).ToList();
    var timeout = TimeSpan.FromSeconds(30);
    Task<JsonNode?> Version(SshTransport t) => t.CallAsync(NodeProcedures.Version, null, timeout, CancellationToken.None);

    // Connection set-up: ssh handshake, authentication and the node command's start.
    var connect = new List<double>();
    foreach (var t in transports)
    {
        var sw = Stopwatch.StartNew();
        await Version(t);
        connect.Add(sw.Elapsed.TotalMilliseconds);
    }
    Report("first call (connect + ssh auth + ganetid start)", connect);

    var one = transports[0];
    for (var i = 0; i < 50; i++) await Version(one); // warm-up
    Report("version, 1 node, sequential", await Sequential(rounds, () => Version(one)));
    Rate("version, 1 node, 16 in flight", await Throughput(seconds, 16, [one], Version));

    Report($"version, all {nodes} nodes in parallel (one round)", await Sequential(rounds, () => Task.WhenAll(transports.Select(Version))));
    Rate($"version, all {nodes} nodes, 16 in flight per node", await Throughput(seconds, 16, transports, Version));

    var nodeInfo = new JsonObject { ["hypervisors"] = new JsonArray("fake") };
    Report("node_info(fake), 1 node, sequential", await Sequential(Math.Min(rounds, 200),
        () => one.CallAsync(NodeProcedures.NodeInfo, nodeInfo.DeepClone(), timeout, CancellationToken.None)));

    var raw = new List<double>();
    for (var i = 0; i < 20; i++) raw.Add(await lab.SshOnceAsync(lab.AdminKey, "true", stdin: ""));
    Report("raw `ssh node true` (fresh connection each)", raw);

    var fresh = new List<double>();
    var request = """{"id": 1, "procedure": "version"}""" + "\n";
    for (var i = 0; i < 10; i++) fresh.Add(await lab.SshOnceAsync(lab.ClusterKey, "x", request));
    Report("fresh ssh + node command + 1 version call", fresh);

    foreach (var t in transports)
        if (t.ConnectionsOpened != 1) Console.WriteLine($"warning: {t.NodeName} opened {t.ConnectionsOpened} connections");
    foreach (var t in transports) await t.DisposeAsync();
}
finally
{
    await lab.DownAsync();
}
return 0;

int IntArg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
}

static async Task<List<double>> Sequential(int n, Func<Task> call)
{
    var samples = new List<double>(n);
    for (var i = 0; i < n; i++)
    {
        var sw = Stopwatch.StartNew();
        await call();
        samples.Add(sw.Elapsed.TotalMilliseconds);
    }
    return samples;
}

static async Task<(long Calls, TimeSpan Elapsed)> Throughput(int seconds, int perNode, IReadOnlyList<SshTransport> ts, Func<SshTransport, Task<JsonNode?>> call)
{
    long calls = 0;
    var stop = Stopwatch.StartNew();
    var limit = TimeSpan.FromSeconds(seconds);
    var workers = ts.SelectMany(t => Enumerable.Range(0, perNode).Select(async _ =>
    {
        while (stop.Elapsed < limit)
        {
            await call(t);
            Interlocked.Increment(ref calls);
        }
    }));
    await Task.WhenAll(workers);
    return (calls, stop.Elapsed);
}

static void Report(string what, List<double> ms)
{
    ms.Sort();
    double P(double q) => ms[Math.Min(ms.Count - 1, (int)(q * ms.Count))];
    Console.WriteLine($"{what,-58} n={ms.Count,4}  mean {ms.Average(),8:0.00} ms  p50 {P(0.5),8:0.00}  p95 {P(0.95),8:0.00}  max {ms[^1],8:0.00}");
}

static void Rate(string what, (long Calls, TimeSpan Elapsed) r) =>
    Console.WriteLine($"{what,-58} {r.Calls / r.Elapsed.TotalSeconds,10:0} calls/s  ({r.Calls} calls in {r.Elapsed.TotalSeconds:0.0} s)");

/// <summary>A lab of its own (prefix gntb, 10.79.0.0/24) with an unrestricted admin key for the raw ssh baseline.</summary>
internal sealed class Lab
{
    private readonly LabScript script = new(Path.Combine(Path.GetTempPath(), "gntb-lab"), "gntb", "10.79.0");
    private string dir => script.Dir;

    public List<(string Name, string Address)> Nodes { get; } = [];
    public string ClusterKey => Path.Combine(dir, "id_cluster");
    public string AdminKey => Path.Combine(dir, "id_admin");
    public SshTransportOptions Options => new() { IdentityFile = ClusterKey, KnownHostsFile = Path.Combine(dir, "known_hosts") };

    public async Task UpAsync(int n)
    {
        foreach (var node in await script.UpAsync(n, "--admin-key"))
            Nodes.Add((node.Name, node.Address));
    }

    public Task DownAsync() => script.DownAsync();

    /// <summary>One fresh ssh process to node 1; milliseconds until it exits.</summary>
    public async Task<double> SshOnceAsync(string key, string command, string stdin)
    {
        var psi = new ProcessStartInfo("ssh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-T", "-F", "none", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", key,
                     "-o", $"UserKnownHostsFile={Options.KnownHostsFile}", "-o", "StrictHostKeyChecking=yes", "-l", "root", Nodes[0].Address, command })
            psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var err = p.StandardError.ReadToEndAsync();
        await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        await p.WaitForExitAsync();
        var elapsed = sw.Elapsed.TotalMilliseconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"ssh failed ({p.ExitCode}): {await err}");
        await output;
        return elapsed;
    }
}
