// Master benchmarks: job throughput and submit→success latency through RAPI (TestDelay with
// duration 0 and diskless fake-hypervisor instance create; 1 and 16 concurrent clients), and
// GET /2/instances?bulk=1 latency with 1,000 and 10,000 instances in the configuration.
// Works against any RAPI endpoint, so the same workloads can be run against Debian's Ganeti.
// Ganeti 3.0's RAPI has no POST /2/jobs, so "--workload tags" is the no-op job both can run:
// PUT /2/tags?tag=bench (OP_TAGS_SET on the cluster, always the same tag, takes no locks).
// "--os NAME" adds os_type to the create body (Ganeti wants one even with no_install).
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

var opts = Options.Parse(args);
using var http = new HttpClient(new SocketsHttpHandler
{
    SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    MaxConnectionsPerServer = 64,
    PooledConnectionLifetime = TimeSpan.FromMinutes(10),
})
{ Timeout = TimeSpan.FromMinutes(5) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
    Convert.ToBase64String(Encoding.ASCII.GetBytes($"{opts.User}:{opts.Password}")));

switch (opts.Mode)
{
    case "jobs":
        await JobBench(opts.Workload, opts.Jobs, opts.Clients);
        break;
    case "bulk":
        await BulkBench(opts.Repeat);
        break;
    default:
        Console.Error.WriteLine($"unknown mode {opts.Mode}");
        return 2;
}
return 0;

async Task<long> Submit(string workload, int n)
{
    var osField = opts.Os == "" ? "" : $", \"os_type\": \"{opts.Os}\"";
    HttpResponseMessage resp;
    if (workload == "testdelay")
        resp = await http.PostAsync($"{opts.Url}/2/jobs", Json("""[{"OP_ID": "OP_TEST_DELAY", "duration": 0}]"""));
    else if (workload == "tags")
        resp = await http.PutAsync($"{opts.Url}/2/tags?tag=bench", null);
    else if (workload != "create")
        throw new ArgumentException($"unknown workload {workload}");
    else
        resp = await http.PostAsync($"{opts.Url}/2/instances", Json($$$"""
            {"__version__": 1, "mode": "create", "instance_name": "{{{opts.Prefix}}}{{{n}}}{{{opts.Suffix}}}", "disk_template": "diskless",
             "disks": [], "nics": [], "no_install": true, "start": false, "name_check": false, "ip_check": false,
             "pnode": "{{{opts.Node}}}", "hypervisor": "fake", "beparams": {"memory": 16}{{{osField}}}}
            """));
    var text = await resp.Content.ReadAsStringAsync();
    if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"submit failed: {(int)resp.StatusCode} {text}");
    return long.Parse(text.Trim().Trim('"'));
}

async Task<string> WaitDone(long id)
{
    JsonNode? previous = null;
    while (true)
    {
        var body = new JsonObject { ["fields"] = new JsonArray("status"), ["previous_job_info"] = previous?.DeepClone(), ["previous_log_serial"] = null };
        using var req = new HttpRequestMessage(HttpMethod.Get, $"{opts.Url}/2/jobs/{id}/wait") { Content = Json(body.ToJsonString()) };
        using var resp = await http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"wait failed: {(int)resp.StatusCode} {text}");
        var node = JsonNode.Parse(text);
        if (node is null) continue;
        var info = node["job_info"]!;
        var status = info[0]!.GetValue<string>();
        if (status is "success" or "error" or "canceled") return status;
        previous = info;
    }
}

async Task JobBench(string workload, int jobs, int clients)
{
    var latencies = new List<double>();
    var failures = 0;
    var next = 0;
    var sw = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, clients).Select(async _ =>
    {
        while (true)
        {
            var n = Interlocked.Increment(ref next);
            if (n > jobs) return;
            var t = Stopwatch.StartNew();
            var id = await Submit(workload, n);
            var status = await WaitDone(id);
            t.Stop();
            lock (latencies)
            {
                latencies.Add(t.Elapsed.TotalMilliseconds);
                if (status != "success") failures++;
            }
        }
    }).ToArray();
    await Task.WhenAll(workers);
    sw.Stop();
    latencies.Sort();
    double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
    Console.WriteLine($"{opts.Label,-14} {workload,-10} jobs={jobs,5} clients={clients,3}  throughput={jobs / sw.Elapsed.TotalSeconds,8:F1} jobs/s  " +
                      $"p50={P(0.50),8:F2} ms  p99={P(0.99),8:F2} ms  max={latencies[^1],8:F1} ms  failed={failures}");
}

async Task BulkBench(int repeat)
{
    var times = new List<double>();
    var count = 0;
    var failures = new List<string>();
    for (var i = 0; i < repeat + 1; i++)
    {
        var t = Stopwatch.StartNew();
        using var resp = await http.GetAsync($"{opts.Url}/2/instances?bulk=1");
        var text = await resp.Content.ReadAsStringAsync();
        t.Stop();
        if (!resp.IsSuccessStatusCode)
        {
            // Ganeti answers 504 when its master takes longer than the RAPI daemon waits for it.
            failures.Add($"{(int)resp.StatusCode} after {t.Elapsed.TotalSeconds:F1} s");
            if (failures.Count >= 2) break;
            continue;
        }
        count = JsonNode.Parse(text)!.AsArray().Count;
        if (i > 0) times.Add(t.Elapsed.TotalMilliseconds); // the first request warms up
    }
    if (times.Count == 0)
    {
        Console.WriteLine($"{opts.Label,-14} GET /2/instances?bulk=1 failed: {string.Join(", ", failures)}");
        return;
    }
    times.Sort();
    Console.WriteLine($"{opts.Label,-14} GET /2/instances?bulk=1 instances={count,6}  p50={times[times.Count / 2],9:F1} ms  " +
                      $"min={times[0],9:F1} ms  max={times[^1],9:F1} ms  (n={times.Count})" +
                      (failures.Count > 0 ? $"  failed: {string.Join(", ", failures)}" : ""));
}

static StringContent Json(string s)
{
    // Plain "application/json": Ganeti's RAPI answers 415 to "application/json; charset=utf-8".
    var content = new StringContent(s, Encoding.UTF8, "application/json");
    content.Headers.ContentType!.CharSet = null;
    return content;
}

sealed record Options(string Mode, string Url, string User, string Password, string Workload, int Jobs, int Clients,
    string Node, string Prefix, string Suffix, int Repeat, string Label, string Os)
{
    public static Options Parse(string[] args)
    {
        string Get(string name, string def)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : def;
        }
        return new Options(Get("mode", "jobs"), Get("url", "https://127.0.0.1:5080"), Get("user", "admin"), Get("password", "secret"),
            Get("workload", "testdelay"), int.Parse(Get("jobs", "1000")), int.Parse(Get("clients", "1")), Get("node", "node1"),
            Get("prefix", "bench"), Get("suffix", ""), int.Parse(Get("repeat", "10")), Get("label", "GanetiCluster"), Get("os", ""));
    }
}
