using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Jobs;
using Ganeti.Core.Paths;
using Ganeti.Master.Rapi;
using Ganeti.NodeHelpers.Tests.Hypervisors.Kvm;
using Ganeti.Remoting.Rapi;
using Ganeti.Remoting.Rapi.Jobs;
using Ganeti.Remoting.Rapi.Requests;
using Ganeti.Remoting.Rapi.Tls;
using Xunit.Abstractions;

namespace Ganeti.Daemon.Tests.Lab;

/// <summary>
/// gnt-instance migrate on real parts: a kvm guest (TCG, the test guest's kernel and initrd)
/// on one lab node moves to another through the Remote API, asked to go live (under TCG the
/// driver pauses it for the copy); qemu on both sides runs in the nodes' namespaces, so the
/// memory crosses the lab's bridge.
/// </summary>
[Collection(MigrationLabCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MigrationLabTests(MigrationLabFixture lab, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(120);

    public Task InitializeAsync() => lab.HealAsync();

    public Task DisposeAsync() => lab.HealAsync();

    private static JsonElement J<T>(T v) => JsonSerializer.SerializeToElement(v);

    private void Show(Job job)
    {
        foreach (var l in job.Ops.SelectMany(o => o.Log)) output.WriteLine($"log: {l.Message}");
        output.WriteLine($"result: {job.Ops[0].Result?.ToJsonString()}");
    }

    private static string SerialSocket(LabNode node, string instance) =>
        Path.Combine(new GanetiPaths(node.Root).KvmHypervisorDir, "ctrl", instance + ".serial");

    [Fact]
    public async Task AKvmGuestMigratesBetweenLabNodesThroughTheRemoteApiAndKeepsRunning()
    {
        await using var m = new LabMaster(lab, ["kvm"], new()
        {
            ["kvm"] = new(TestGuest.KvmHvparams())
            {
                ["kernel_args"] = J("quiet"),
                ["migration_bandwidth"] = J(64),
            },
        });
        var (a, b) = (lab.Nodes[0], lab.Nodes[1]);
        foreach (var n in new[] { a, b })
        {
            var add = await m.RunAsync(LabMaster.Op("OP_NODE_ADD", new JsonObject { ["node_name"] = n.Name, ["primary_ip"] = n.Address }));
            Show(add);
            Assert.Equal(JobStatus.Success, add.CalcStatus());
        }

        var create = await m.RunAsync(LabMaster.Op("OP_INSTANCE_CREATE", new JsonObject
        {
            ["instance_name"] = "mig1",
            ["mode"] = "create",
            ["disk_template"] = "diskless",
            ["disks"] = new JsonArray(),
            ["nics"] = new JsonArray(),
            ["hypervisor"] = "kvm",
            ["beparams"] = new JsonObject { ["memory"] = 96 },
            ["name_check"] = false,
            ["ip_check"] = false,
            ["no_install"] = true,
            ["pnode"] = a.Name,
        }), 180);
        Show(create);
        Assert.Equal(JobStatus.Success, create.CalcStatus());
        try
        {
            await using (var console = await SerialConsole.ConnectAsync(SerialSocket(a, "mig1"), TimeSpan.FromSeconds(10)))
            {
                await console.WaitForAsync(TestGuest.ReadyMarker, Boot);
                await console.RunAsync("echo LAB-7731 > /tmp/value; echo WROTE-OK", "WROTE-OK", TimeSpan.FromSeconds(30));
            }

            File.WriteAllText(m.Paths.RapiUsers, "ops {cleartext}lab-secret write\n");
            await using var rapi = new RapiServer(m.Service, new RapiServerOptions
            {
                BindAddress = IPAddress.Loopback,
                Port = 0,
                CertificateFile = m.Paths.RapiCert,
                UsersFile = m.Paths.RapiUsers,
                ReloadUsersOnSighup = false,
            });
            await rapi.StartAsync(CancellationToken.None);
            using var client = new RapiClient(new RapiClientOptions
            {
                Host = "127.0.0.1", Port = rapi.Port, UserName = "ops", Password = "lab-secret", TlsMode = RapiTlsMode.SkipCheck,
            });

            var sw = Stopwatch.StartNew();
            var jobId = await client.MigrateInstanceAsync("mig1", new InstanceMigrateOptions { TargetNode = b.Name, Live = true });
            var job = await new JobWaiter(client).WaitAsync(jobId, null, new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
            output.WriteLine($"migration job took {sw.Elapsed}");
            foreach (var l in job.Log) output.WriteLine($"rapi log: {l.Message}");
            Assert.True(job.Status == "success", $"{job.Status}: {job.Failure?.Message}");
            Assert.Contains(job.Log, l => l.Message == $"* migrating instance to {b.Name}");
            // The lab's qemu runs under TCG, where the driver pauses the guest for the copy.
            Assert.Contains(job.Log, l => l.Message.Contains("paused during the copy (non-live)"));
            Assert.Contains(job.Log, l => l.Message.StartsWith("* memory transfer complete", StringComparison.Ordinal));
            // The new primary is recorded on every master candidate (both nodes), not left to catch up.
            Assert.DoesNotContain(job.Log, l => l.Message.StartsWith("Could not", StringComparison.Ordinal));

            var cfg = m.Service.ReadConfig();
            Assert.Equal(b.Name, cfg.Nodes[cfg.FindInstance("mig1")!.PrimaryNode].Name);
            var instance = await client.GetInstanceAsync("mig1");
            Assert.Equal(b.Name, instance.PrimaryNode);
            Assert.Equal("running", instance.Status);
            Assert.False(File.Exists(SerialSocket(a, "mig1")));

            await using (var console = await SerialConsole.ConnectAsync(SerialSocket(b, "mig1"), TimeSpan.FromSeconds(10)))
                await console.RunAsync("echo \"READ=$(cat /tmp/value)\"", "READ=LAB-7731", TimeSpan.FromSeconds(60));
        }
        finally
        {
            var remove = await m.RunAsync(LabMaster.Op("OP_INSTANCE_REMOVE", new JsonObject { ["instance_name"] = "mig1" }), 120);
            Show(remove);
        }
    }
}

/// <summary>The migration tests' own lab (prefix gntmg, 10.91.0.0/24), so they can run beside the node tests' lab.</summary>
public sealed class MigrationLabFixture() : LabFixture("gntmg", "10.91.0");

[CollectionDefinition(Name)]
public sealed class MigrationLabCollection : ICollectionFixture<MigrationLabFixture>
{
    public const string Name = "migration lab";
}
