using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Ganeti.Core.Paths;
using Xunit.Abstractions;

namespace Ganeti.Daemon.Tests.Lab;

/// <summary>
/// A lab of its own for whole clusters: its nodes run real master daemons, an administrator's key
/// may log in to them, and they lose their cluster state between tests.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClusterLabFixture() : LabFixture("gntfo", "10.184.0", adminKey: true)
{
    public const int RapiPort = 5080;

    /// <summary>The cluster's master IP: an address of the lab's subnet that no node has of its own.</summary>
    public string MasterIp => Subnet + ".100";

    /// <summary>Every node back to belonging to no cluster: links up, sshd running, no state, no master IP.</summary>
    public async Task ResetAsync()
    {
        await HealAsync();
        foreach (var n in Nodes)
        {
            var p = new GanetiPaths(n.Root);
            foreach (var dir in new[] { p.DataDir, p.RunDir })
                if (Directory.Exists(dir))
                    foreach (var e in Directory.EnumerateFileSystemEntries(dir))
                        if (Directory.Exists(e)) Directory.Delete(e, true); else File.Delete(e);
            await RunAsync("exec", n.Number.ToString(), "ip", "addr", "del", MasterIp + "/24", "dev", "eth0");
        }
    }

    /// <summary>ganetid init under node 1's root (master IP on its eth0 once a master runs), with the lab's cluster key.</summary>
    public async Task InitAsync()
    {
        var root1 = new GanetiPaths(Nodes[0].Root);
        var (code, stdout, stderr) = await Ganetid.RunAsync("init", "--root", root1.Root, "--cluster-name", "failover.lab",
            "--enabled-hypervisors", "fake", "--enabled-disk-templates", "diskless,file", "--node-name", "node1",
            "--primary-ip", Nodes[0].Address, "--master-ip", MasterIp, "--master-netdev", "eth0", "--master-netmask", "24",
            "--max-running-jobs", "2", "--rapi-user", "admin:secret", "--file-storage-dir", Path.Combine(Dir, "file-storage"));
        if (code != 0) throw new InvalidOperationException($"ganetid init failed: {stdout}{stderr}");
        // The lab's cluster key is the one the nodes' sshd let run the node command.
        File.Copy(IdentityFile, root1.ClusterSshKey, overwrite: true);
        File.Copy(IdentityFile + ".pub", root1.ClusterSshPublicKey, overwrite: true);
        File.SetUnixFileMode(root1.ClusterSshKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterLabCollection : ICollectionFixture<ClusterLabFixture>
{
    public const string Name = "cluster-lab";
}

/// <summary>
/// Whole clusters with real processes: node join, and master failover with a master daemon in node 1's namespace, the
/// failover run in node 2's, RAPI reached over the lab network and on the master IP.
/// </summary>
[Collection(ClusterLabCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ClusterLabTests(ClusterLabFixture lab, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Port = ClusterLabFixture.RapiPort;
    private readonly List<LabProcess> processes = [];
    private readonly HttpClient http = NewClient();

    private string MasterIp => lab.MasterIp;

    private static HttpClient NewClient()
    {
        var h = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        h.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:secret")));
        return h;
    }

    public Task InitializeAsync() => lab.ResetAsync();

    public async Task DisposeAsync()
    {
        foreach (var p in processes)
        {
            output.WriteLine($"--- process output:\n{p.Output}");
            await p.DisposeAsync();
        }
        http.Dispose();
        await lab.ResetAsync();
    }

    private string Url(LabNode n, string path) => $"https://{n.Address}:{Port}{path}";

    private LabNode Node(int k) => lab.Nodes[k - 1];

    private async Task<LabProcess> StartAsync(int node, params string[] args)
    {
        var p = await LabProcess.StartAsync(lab, node, "RAPI listening", TimeSpan.FromSeconds(120), args);
        processes.Add(p);
        return p;
    }

    private async Task<long> SubmitAsync(LabNode master, JsonObject op)
    {
        using var body = new StringContent(new JsonArray(op).ToJsonString(), Encoding.UTF8, "application/json");
        using var resp = await http.PostAsync(Url(master, "/2/jobs"), body);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.IsSuccessStatusCode, text);
        return long.Parse(text);
    }

    private async Task<JsonNode> JobAsync(LabNode master, long id) => JsonNode.Parse(await http.GetStringAsync(Url(master, $"/2/jobs/{id}")))!;

    private async Task<JsonNode> WaitFinalAsync(LabNode master, long id, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var job = await JobAsync(master, id);
            if (job["status"]!.GetValue<string>() is "success" or "error" or "canceled") return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} still {job["status"]} after {seconds}s: {job.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    /// <summary>A cluster of the three lab nodes: master daemon on node 1 (master IP .100 on its eth0), nodes 2 and 3 added as candidates.</summary>
    private async Task<LabProcess> ClusterAsync()
    {
        await lab.InitAsync();
        var root1 = new GanetiPaths(Node(1).Root);
        var master = await StartAsync(1, "master", "--root", root1.Root, "--node-name", "node1", "--rapi-port", Port.ToString());
        foreach (var k in new[] { 2, 3 })
        {
            var id = await SubmitAsync(Node(1), new JsonObject { ["OP_ID"] = "OP_NODE_ADD", ["node_name"] = $"node{k}", ["primary_ip"] = Node(k).Address });
            var job = await WaitFinalAsync(Node(1), id, 60);
            Assert.True(job["status"]!.GetValue<string>() == "success", job.ToJsonString());
        }
        return master;
    }

    private async Task<JsonNode> RequestAsync(HttpMethod method, string path, JsonNode? body = null, int seconds = 120)
    {
        using var req = new HttpRequestMessage(method, Url(Node(1), path));
        if (body is not null) req.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var resp = await http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.IsSuccessStatusCode, $"{method} {path}: {text}");
        var job = await WaitFinalAsync(Node(1), long.Parse(text), seconds);
        Assert.True(job["status"]!.GetValue<string>() == "success", $"{method} {path}: {job.ToJsonString()}");
        return job;
    }

    private async Task<string> AddressesOfAsync(int node)
    {
        var (_, stdout, _) = await lab.RunAsync("exec", node.ToString(), "ip", "-o", "addr", "show", "dev", "eth0");
        return stdout;
    }

    [Fact]
    public async Task AfterTheMasterIsKilledMidBatchTheCandidateTakesOverEveryJobAndTheMasterIp()
    {
        var m1 = await ClusterAsync();
        Assert.Contains($"inet {MasterIp}/24", await AddressesOfAsync(1));
        var root2 = new GanetiPaths(Node(2).Root);
        foreach (var f in new[] { root2.ConfigData, root2.ClusterSshKey, root2.RapiCert, root2.RapiUsers, root2.KnownHosts })
            Assert.True(File.Exists(f), $"{f} was not replicated to the candidate");

        // Two jobs run at a time: when the master dies, two are running and the rest wait.
        var ids = new List<long>();
        for (var i = 0; i < 10; i++)
            ids.Add(await SubmitAsync(Node(1), new JsonObject { ["OP_ID"] = "OP_TEST_DELAY", ["duration"] = 3.0 }));
        await Task.Delay(1500);
        var runningAtKill = new List<long>();
        foreach (var id in ids)
            if ((await JobAsync(Node(1), id))["status"]!.GetValue<string>() == "running") runningAtKill.Add(id);
        await m1.KillAsync();
        output.WriteLine($"running at the kill: {string.Join(", ", runningAtKill)}");
        Assert.NotEmpty(runningAtKill);
        foreach (var id in ids) Assert.True(File.Exists(Path.Combine(root2.QueueDir, $"job-{id}")), $"job {id} is not on node2");

        var sw = Stopwatch.StartNew();
        var m2 = await StartAsync(2, "master-failover", "--root", root2.Root, "--node-name", "node2", "--rapi-port", Port.ToString());
        output.WriteLine($"failover until RAPI answered: {sw.Elapsed}");
        Assert.Contains("3 of 3 nodes agree that node1 is the master", m2.Output);
        Assert.Contains("No master daemon was running on node1", m2.Output);
        Assert.Contains($"Removed the master IP {MasterIp} from node1", m2.Output);

        var finals = new Dictionary<long, JsonNode>();
        foreach (var id in ids) finals[id] = await WaitFinalAsync(Node(2), id);
        Assert.Equal(ids.Count, finals.Count);
        foreach (var (id, job) in finals)
        {
            var status = job["status"]!.GetValue<string>();
            output.WriteLine($"job {id}: {status}");
            if (runningAtKill.Contains(id))
                Assert.True(status == "success" || job["opresult"]!.ToJsonString().Contains("master failover"), job.ToJsonString());
            else
                Assert.Equal("success", status);
        }
        Assert.Contains(finals.Values, j => j["opresult"]!.ToJsonString().Contains("master failover"));
        var next = await SubmitAsync(Node(2), new JsonObject { ["OP_ID"] = "OP_TEST_DELAY", ["duration"] = 0.0 });
        Assert.True(next > ids.Max());

        // The master IP moved, and the RAPI answers on it from node 3.
        Assert.DoesNotContain($"inet {MasterIp}/", await AddressesOfAsync(1));
        Assert.Contains($"inet {MasterIp}/24", await AddressesOfAsync(2));
        var (code, info, err) = await lab.RunAsync("exec", "3", "curl", "-sSk", "--max-time", "20", "-u", "admin:secret",
            $"https://{MasterIp}:{Port}/2/info");
        Assert.True(code == 0, err);
        Assert.Equal("node2", JsonNode.Parse(info)!["master"]!.GetValue<string>());
        foreach (var k in new[] { 1, 3 })
            Assert.Equal("node2\n", File.ReadAllText(new GanetiPaths(Node(k).Root).SsconfPrefix + "master_node"));

        // The old master, restarted, knows it is not the master any more.
        var (again, _, againErr) = await LabProcess.RunAsync(lab, 1, TimeSpan.FromSeconds(60),
            "master", "--root", Node(1).Root, "--node-name", "node1", "--rapi-port", Port.ToString());
        Assert.Equal(1, again);
        Assert.Contains("This node (node1) is not the master: the configuration names node2", againErr);
    }

    [Fact]
    public async Task FailoverIsRefusedWhenTheMajorityNamesAnotherMaster()
    {
        var m1 = await ClusterAsync();
        // node2's copy has gone wrong: it believes node3 is the master. The others know better.
        var root2 = new GanetiPaths(Node(2).Root);
        var cfg = JsonNode.Parse(File.ReadAllText(root2.ConfigData))!;
        var node3 = cfg["nodes"]!.AsObject().First(kv => kv.Value!["name"]!.GetValue<string>() == "node3").Key;
        cfg["cluster"]!["master_node"] = node3;
        File.WriteAllText(root2.ConfigData, cfg.ToJsonString());

        var (code, stdout, stderr) = await LabProcess.RunAsync(lab, 2, TimeSpan.FromSeconds(90),
            "master-failover", "--root", root2.Root, "--node-name", "node2", "--rapi-port", Port.ToString());
        output.WriteLine(stdout + stderr);
        Assert.Equal(1, code);
        Assert.Contains("Master failover refused", stderr);
        Assert.Contains("only 1 of 3 nodes agree", stderr);
        Assert.Contains("2 say it is node1", stderr);
        // Nothing was touched: the real master still runs and holds its IP.
        Assert.False(m1.HasExited);
        Assert.Contains($"inet {MasterIp}/24", await AddressesOfAsync(1));
        Assert.Equal("node1", JsonNode.Parse(await http.GetStringAsync(Url(Node(1), "/2/info")))!["master"]!.GetValue<string>());
    }

    [Fact]
    public async Task WithoutVotingACandidateTakesOverWhenTheOtherNodesAreUnreachable()
    {
        var m1 = await ClusterAsync();
        await m1.KillAsync();
        await lab.RunCheckedAsync("cut", "1");
        await lab.RunCheckedAsync("cut", "3");
        var root2 = new GanetiPaths(Node(2).Root);
        string[] args = ["master-failover", "--root", root2.Root, "--node-name", "node2", "--rapi-port", Port.ToString()];

        var (code, stdout, stderr) = await LabProcess.RunAsync(lab, 2, TimeSpan.FromSeconds(90), args);
        output.WriteLine(stdout + stderr);
        Assert.Equal(1, code);
        Assert.Contains("only 1 of 3 nodes agree", stderr);
        Assert.Contains("node1: no answer", stderr);

        (code, _, stderr) = await LabProcess.RunAsync(lab, 2, TimeSpan.FromSeconds(30), [.. args, "--no-voting"]);
        Assert.Equal(2, code);
        Assert.Contains("--yes-do-it", stderr);

        var m2 = await StartAsync(2, [.. args, "--no-voting", "--yes-do-it"]);
        Assert.Contains("going on without a majority (--no-voting)", m2.Output);
        Assert.Contains("the old master node1 did not answer the vote", m2.Output);
        Assert.Equal("node2", JsonNode.Parse(await http.GetStringAsync(Url(Node(2), "/2/info")))!["master"]!.GetValue<string>());
        Assert.Contains($"inet {MasterIp}/24", await AddressesOfAsync(2));
    }

    [Fact]
    public async Task ACandidateThatMissedChangesTakesTheNewestCopyFromAnother()
    {
        var m1 = await ClusterAsync();
        // node2 is down while the configuration changes and a job runs: only node3 gets them.
        await lab.RunCheckedAsync("stop-node", "2");
        var tag = await SubmitAsync(Node(1), new JsonObject { ["OP_ID"] = "OP_TAGS_SET", ["kind"] = "cluster", ["tags"] = new JsonArray("while-node2-was-down") });
        Assert.Equal("success", (await WaitFinalAsync(Node(1), tag))["status"]!.GetValue<string>());
        var root2 = new GanetiPaths(Node(2).Root);
        Assert.False(File.Exists(Path.Combine(root2.QueueDir, $"job-{tag}")));
        await lab.RunCheckedAsync("start-node", "2");
        // Then node1 goes down whole, master daemon and all: node3 holds the newest copies left.
        await lab.RunCheckedAsync("stop-node", "1");
        Assert.True(await m1.WaitForExitAsync(TimeSpan.FromSeconds(10)));

        var m2 = await StartAsync(2, "master-failover", "--root", root2.Root, "--node-name", "node2", "--rapi-port", Port.ToString());
        Assert.Contains("2 of 3 nodes agree that node1 is the master", m2.Output);
        Assert.Contains("from node3, whose copies are newer", m2.Output);
        var info = JsonNode.Parse(await http.GetStringAsync(Url(Node(2), "/2/info")))!;
        Assert.Equal("node2", info["master"]!.GetValue<string>());
        Assert.Contains("while-node2-was-down", info["tags"]!.ToJsonString());
        Assert.Equal("success", (await JobAsync(Node(2), tag))["status"]!.GetValue<string>());
    }

    private string AuthorizedKeys(int node) => Path.Combine(lab.Dir, $"node{node}", "ssh", "authorized_keys");

    private Task<(int Code, string Out, string Err)> PrepareJoinAsync(int node) =>
        LabProcess.RunAsync(lab, 1, TimeSpan.FromSeconds(60), "prepare-node-join", $"node{node}", "--root", Node(1).Root,
            "--address", Node(node).Address, "--ssh-identity", lab.AdminIdentityFile, "--node-root", Node(node).Root,
            "--authorized-keys", AuthorizedKeys(node), "--remote-ganetid", "dotnet", "--remote-ganetid", Ganetid.Dll);

    [Fact]
    public async Task PrepareNodeJoinLetsTheClusterKeyRunOnlyTheNodeCommandAndNodeAddUsesTheHostKeyItRecorded()
    {
        // node3 as a fresh machine: only the administrator's key may log in.
        var original = await File.ReadAllLinesAsync(AuthorizedKeys(3));
        var clusterBlob = File.ReadAllText(lab.IdentityFile + ".pub").Split(' ')[1];
        try
        {
            await File.WriteAllLinesAsync(AuthorizedKeys(3), original.Where(l => !l.Contains(clusterBlob)));
            var (code, _, err) = await lab.RunAsync("ssh", "3");
            Assert.Equal(255, code);
            Assert.Contains("Permission denied", err);

            await lab.InitAsync();
            var (joinCode, joinOut, joinErr) = await PrepareJoinAsync(3);
            output.WriteLine(joinOut + joinErr);
            Assert.True(joinCode == 0, joinOut + joinErr);
            Assert.Contains("Recorded the host key of node3 as fetched from", joinOut);
            Assert.Contains("may now run the node command on this node, and nothing else", joinOut);
            var lines = await File.ReadAllLinesAsync(AuthorizedKeys(3));
            var line = Assert.Single(lines, l => l.Contains(clusterBlob));
            Assert.StartsWith("restrict,command=\"exec '/", line);
            Assert.Contains("ganetid.dll' 'node' ", line);
            Assert.Contains($"'node' '--stdio' '--root' '{Node(3).Root}' '--node-name' 'node3'\" ssh-ed25519 ", line);
            Assert.Contains(lines, l => l.StartsWith("ssh-ed25519 ", StringComparison.Ordinal)); // the administrator's, untouched

            // Whatever the cluster key asks for, the node command runs: no shell.
            var (sshCode, sshOut, sshErr) = await lab.RunAsync("ssh", "3", "id; echo shell");
            Assert.True(sshCode == 0, sshErr);
            Assert.DoesNotContain("uid=", sshOut);
            Assert.DoesNotContain("shell", sshOut);

            // Joining again changes nothing but replaces the line.
            Assert.Equal(0, (await PrepareJoinAsync(3)).Code);
            Assert.Equal(lines, await File.ReadAllLinesAsync(AuthorizedKeys(3)));

            await StartAsync(1, "master", "--root", Node(1).Root, "--rapi-port", Port.ToString());
            var add = await WaitFinalAsync(Node(1), await SubmitAsync(Node(1),
                new JsonObject { ["OP_ID"] = "OP_NODE_ADD", ["node_name"] = "node3", ["primary_ip"] = Node(3).Address }), 60);
            Assert.True(add["status"]!.GetValue<string>() == "success", add.ToJsonString());
            Assert.Contains("Using the host key of node3 recorded in the cluster", add.ToJsonString());
        }
        finally
        {
            await File.WriteAllLinesAsync(AuthorizedKeys(3), original);
        }
    }

    [Fact]
    public async Task PrepareNodeJoinRefusesANodeOfAnotherClusterAndAWrongHostKey()
    {
        await lab.InitAsync();
        var before = await File.ReadAllTextAsync(AuthorizedKeys(2));
        var root2 = new GanetiPaths(Node(2).Root);
        Directory.CreateDirectory(root2.DataDir);
        await File.WriteAllTextAsync(root2.SsconfPrefix + "cluster_name", "other.cluster\n");

        var (code, stdout, stderr) = await PrepareJoinAsync(2);
        output.WriteLine(stdout + stderr);
        Assert.Equal(1, code);
        Assert.Contains("This node belongs to the cluster other.cluster, not failover.lab", stderr);
        Assert.Equal(before, await File.ReadAllTextAsync(AuthorizedKeys(2)));

        // The host key on record is node3's: whatever answers at node2's address is not the machine meant.
        var hosts = new Ganeti.Master.Rpc.KnownHostsFile(new GanetiPaths(Node(1).Root).KnownHosts);
        var node3Key = string.Join(' ', File.ReadAllLines(lab.KnownHostsFile)[2].Split(' ')[1..3]);
        hosts.Set("node2", Node(2).Address, [node3Key]);
        File.Delete(root2.SsconfPrefix + "cluster_name");
        (code, stdout, stderr) = await PrepareJoinAsync(2);
        output.WriteLine(stdout + stderr);
        Assert.Equal(1, code);
        Assert.Contains("Using the host key of node2 recorded", stdout);
        Assert.Contains("Host key verification failed", stderr);
        Assert.Equal(before, await File.ReadAllTextAsync(AuthorizedKeys(2)));
    }

    [Fact]
    public async Task InstancesRunOnNodesOtherThanTheMasterOverSsh()
    {
        await ClusterAsync();
        var sw = Stopwatch.StartNew();
        foreach (var k in new[] { 2, 3 })
        {
            var fakeDir = new GanetiPaths(Node(k).Root).FakeHypervisorDir;
            foreach (var (name, template, disks) in new[] { ($"d{k}.lab", "diskless", new JsonArray()), ($"f{k}.lab", "file", new JsonArray(new JsonObject { ["size"] = 64 })) })
            {
                await RequestAsync(HttpMethod.Post, "/2/instances", new JsonObject
                {
                    ["__version__"] = 1, ["mode"] = "create", ["instance_name"] = name, ["disk_template"] = template, ["disks"] = disks,
                    ["nics"] = new JsonArray(), ["os_type"] = "noop", ["pnode"] = $"node{k}", ["hypervisor"] = "fake",
                    ["beparams"] = new JsonObject { ["maxmem"] = 128, ["minmem"] = 128 }, ["name_check"] = false, ["ip_check"] = false,
                });
                // The instance runs on node k: its hypervisor state is under node k's root, not the master's.
                Assert.True(File.Exists(Path.Combine(fakeDir, name)), $"{name} is not running on node{k}");
                Assert.False(File.Exists(Path.Combine(new GanetiPaths(Node(1).Root).FakeHypervisorDir, name)));
                await RequestAsync(HttpMethod.Post, $"/2/instances/{name}/reboot?type=hard");
                await RequestAsync(HttpMethod.Put, $"/2/instances/{name}/shutdown");
                Assert.False(File.Exists(Path.Combine(fakeDir, name)));
                await RequestAsync(HttpMethod.Put, $"/2/instances/{name}/startup");
                Assert.True(File.Exists(Path.Combine(fakeDir, name)));
                if (template == "file")
                    Assert.Single(Directory.GetFiles(Path.Combine(lab.Dir, "file-storage", name)));
                await RequestAsync(HttpMethod.Delete, $"/2/instances/{name}");
                Assert.False(File.Exists(Path.Combine(fakeDir, name)));
                Assert.False(Directory.Exists(Path.Combine(lab.Dir, "file-storage", name)) && Directory.GetFiles(Path.Combine(lab.Dir, "file-storage", name)).Length > 0);
            }
        }
        output.WriteLine($"two instances each on node2 and node3, created, rebooted, stopped, started and removed in {sw.Elapsed}");

        // Live node facts come from every node over its own channel.
        var nodes = JsonNode.Parse(await http.GetStringAsync(Url(Node(1), "/2/nodes?bulk=1")))!.AsArray();
        Assert.Equal(3, nodes.Count);
        Assert.All(nodes, n => Assert.True(n!["mtotal"]?.GetValue<long>() > 0, n.ToJsonString()));
    }

    /// <summary>A minimal API-20 OS definition in the node's own srv/ganeti/os.</summary>
    private string WriteOs(int node, string name, string createBody, params string[] variants)
    {
        var dir = Path.Combine(new GanetiPaths(Node(node).Root).Under("srv/ganeti/os"), name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "ganeti_api_version"), "20\n");
        File.WriteAllText(Path.Combine(dir, "parameters.list"), "");
        File.WriteAllLines(Path.Combine(dir, "variants.list"), variants);
        foreach (var script in new[] { "create", "import", "export", "rename", "verify" })
        {
            var p = Path.Combine(dir, script);
            File.WriteAllText(p, "#!/bin/sh\n" + (script == "create" ? createBody : "exit 0") + "\n");
            File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return dir;
    }

    private async Task<JsonArray> DiagnoseOsAsync(string name)
    {
        var job = await RequestAsync(HttpMethod.Post, "/2/jobs", new JsonArray(new JsonObject
        {
            ["OP_ID"] = "OP_OS_DIAGNOSE", ["names"] = new JsonArray(),
            ["output_fields"] = new JsonArray("name", "valid", "variants", "node_status", "differences"),
        }));
        return job["opresult"]![0]!.AsArray().Select(r => r!.AsArray()).Single(r => r[0]!.GetValue<string>() == name);
    }

    [Fact]
    public async Task EachNodeHasItsOwnOsDirectoryAndDiagnoseReportsWhereTheyDiffer()
    {
        await ClusterAsync();
        var dirs = new List<string>();
        try
        {
            dirs.Add(WriteOs(1, "labos", "exit 0", "small", "big"));
            dirs.Add(WriteOs(2, "labos", "exit 0", "small", "big"));
            var os = await DiagnoseOsAsync("labos");
            output.WriteLine(os.ToJsonString());
            Assert.False(os[1]!.GetValue<bool>());
            Assert.Empty(os[3]!["node3"]!.AsArray());
            Assert.Equal(Path.Combine(dirs[1]), os[3]!["node2"]![0]![0]!.GetValue<string>());
            Assert.Equal("[\"not found on node3\"]", os[4]!.ToJsonString());

            // node3 gets its own, different copy: valid everywhere, only the shared variant offered, the difference named.
            dirs.Add(WriteOs(3, "labos", "echo node3's own; exit 0", "small"));
            os = await DiagnoseOsAsync("labos");
            output.WriteLine(os.ToJsonString());
            Assert.True(os[1]!.GetValue<bool>());
            Assert.Equal("[\"small\"]", os[2]!.ToJsonString());
            Assert.Equal(dirs[2], os[3]!["node3"]![0]![0]!.GetValue<string>());
            var diffs = os[4]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
            Assert.Equal(2, diffs.Count);
            Assert.Equal("variants differ: [small, big] on node1, node2; [small] on node3", diffs[0]);
            Assert.Matches("^scripts \\(checksum\\) differ: [0-9a-f]{12} on node1, node2; [0-9a-f]{12} on node3$", diffs[1]);
        }
        finally
        {
            foreach (var d in dirs) Directory.Delete(d, true);
        }
    }

    [Fact]
    public async Task ANodeCutOffMidJobFailsTheJobClearlyAndCanBeTakenOfflineAndReadded()
    {
        await ClusterAsync();
        var id = await SubmitAsync(Node(1), new JsonObject
        {
            ["OP_ID"] = "OP_TEST_DELAY", ["duration"] = 30.0, ["on_nodes"] = new JsonArray("node3"), ["on_master"] = false,
        });
        await Task.Delay(1500);
        Assert.Equal("running", (await JobAsync(Node(1), id))["status"]!.GetValue<string>());
        await lab.RunCheckedAsync("cut", "3");
        var sw = Stopwatch.StartNew();
        var job = await WaitFinalAsync(Node(1), id, 60);
        output.WriteLine($"the job failed {sw.Elapsed} after the cut: {job["opresult"]!.ToJsonString()}");
        Assert.Equal("error", job["status"]!.GetValue<string>());
        Assert.Contains("node3", job["opresult"]!.ToJsonString());
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(25), $"took {sw.Elapsed}");

        // The cluster is consistent and usable: node3 can be marked offline, changes no longer wait for it.
        await RequestAsync(HttpMethod.Post, "/2/nodes/node3/modify", new JsonObject { ["offline"] = true }, 60);
        sw.Restart();
        await RequestAsync(HttpMethod.Put, "/2/tags?tag=while-node3-was-cut", null, 30);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"a change took {sw.Elapsed} with node3 offline");

        await lab.RunCheckedAsync("mend", "3");
        await RequestAsync(HttpMethod.Post, "/2/jobs", new JsonArray(new JsonObject
        {
            ["OP_ID"] = "OP_NODE_ADD", ["node_name"] = "node3", ["primary_ip"] = Node(3).Address, ["readd"] = true,
        }), 60);
        var node3 = JsonNode.Parse(await http.GetStringAsync(Url(Node(1), "/2/nodes/node3")))!;
        Assert.False(node3["offline"]!.GetValue<bool>());
        Assert.Contains("while-node3-was-cut", File.ReadAllText(new GanetiPaths(Node(3).Root).ConfigData));
    }
}
