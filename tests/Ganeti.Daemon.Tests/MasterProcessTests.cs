using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Ganeti.Daemon.Tests;

/// <summary>The real daemon as an admin runs it: a separate process, killed and restarted, driven over HTTPS.</summary>
public sealed class MasterProcessTests : IAsyncLifetime
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "gnt-daemon-" + Guid.NewGuid().ToString("N")[..10]);
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        await Ganetid.InitAsync(root);
        http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes("admin:secret")));
    }

    public Task DisposeAsync()
    {
        http.Dispose();
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<long> SubmitAsync(MasterProcess m, string opcodesJson)
    {
        using var body = new StringContent(opcodesJson, Encoding.UTF8, "application/json");
        using var resp = await http.PostAsync($"{m.BaseUrl}/2/jobs", body);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.IsSuccessStatusCode, text);
        return long.Parse(text);
    }

    private async Task<JsonNode> JobAsync(MasterProcess m, long id) =>
        JsonNode.Parse(await http.GetStringAsync($"{m.BaseUrl}/2/jobs/{id}"))!;

    private async Task<string> WaitFinalAsync(MasterProcess m, long id, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var status = (await JobAsync(m, id))["status"]!.GetValue<string>();
            if (status is "success" or "error" or "canceled") return status;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} still {status}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task AKilledMasterLosesNoSubmittedJob()
    {
        var ids = new List<long>();
        await using (var m = await MasterProcess.StartAsync(root))
        {
            for (var i = 0; i < 5; i++)
                ids.Add(await SubmitAsync(m, """[{"OP_ID": "OP_TEST_DELAY", "duration": 30, "interruptible": true}]"""));
            for (var i = 0; i < 25; i++)
                ids.Add(await SubmitAsync(m, """[{"OP_ID": "OP_TEST_DELAY", "duration": 0}]"""));
            // Let the first jobs start, then kill -9 while 20 run and the rest wait in the queue.
            await Task.Delay(1500);
            await m.KillAsync();
        }
        await using (var m = await MasterProcess.StartAsync(root))
        {
            Assert.Contains("was running when the master stopped", m.Output);
            var statuses = new Dictionary<long, string>();
            foreach (var id in ids) statuses[id] = await WaitFinalAsync(m, id);
            Assert.Equal(ids.Count, statuses.Count);
            foreach (var id in ids.Take(5))
            {
                Assert.Equal("error", statuses[id]);
                Assert.Contains("master restarted", (await JobAsync(m, id))["opresult"]!.ToJsonString());
            }
            Assert.All(ids.Skip(5), id => Assert.NotEqual("canceled", statuses[id]));
            Assert.True(ids.Skip(5).Count(id => statuses[id] == "success") >= 10, string.Join(",", statuses.Values));
            // New ids continue after the old ones.
            var next = await SubmitAsync(m, """[{"OP_ID": "OP_TEST_DELAY", "duration": 0}]""");
            Assert.True(next > ids.Max());
        }
    }

    [Fact]
    public async Task SigtermStopsTheMasterCleanly()
    {
        await using var m = await MasterProcess.StartAsync(root);
        var id = await SubmitAsync(m, """[{"OP_ID": "OP_TEST_DELAY", "duration": 0}]""");
        Assert.Equal("success", await WaitFinalAsync(m, id));
        await m.StopAsync();
        Assert.Contains("stopping", m.Output);
    }

    [Fact]
    public async Task GanetisOwnPythonClientWorksUnchanged()
    {
        var os = Directory.Exists("/usr/share/ganeti/os/noop") ? "noop" : throw new InvalidOperationException("ganeti-os-noop is not installed (apt-get install ganeti-os-noop)");
        await RunPythonClientAsync("rapi_client_e2e.py", "node1.lab", os);
    }

    [Fact]
    public async Task GanetisOwnPythonClientModifiesTheCluster() => await RunPythonClientAsync("rapi_cluster_modify_e2e.py");

    /// <summary>Runs a script of tests/…/python with Ganeti's own RAPI client against a live master; it must end with OK.</summary>
    private async Task RunPythonClientAsync(string script, params string[] extra)
    {
        const string python = "/usr/bin/python3";
        Assert.True(File.Exists(python), "Debian's /usr/bin/python3 is needed (apt-get install python3 python3-ganeti-rapi python3-pycurl)");
        var probe = Process.Start(new ProcessStartInfo(python, ["-c", "import pycurl, ganeti.rapi.client"]) { RedirectStandardError = true })!;
        await probe.WaitForExitAsync();
        Assert.True(probe.ExitCode == 0, "Ganeti's RAPI client is missing: apt-get install python3-ganeti-rapi python3-pycurl");

        await using var m = await MasterProcess.StartAsync(root);
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "python", script), m.Port.ToString(), "admin", "secret" }.Concat(extra))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        var output = await stdout + await stderr;
        Assert.True(p.ExitCode == 0, output + "\nmaster log:\n" + m.Output);
        Assert.EndsWith("OK", output.Trim());
    }
}
