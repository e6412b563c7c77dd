using System.Text.Json.Nodes;
using Ganeti.Core.Jobs;
using Ganeti.Core.Paths;
using Ganeti.Master;
using Ganeti.Master.Config;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Daemon.Tests.Lab;

/// <summary>
/// A master in this process (its own node in-process, at the lab bridge's address) whose cluster
/// key is the lab's: the lab's nodes let that key run their node command, as node setup would.
/// Its known_hosts starts empty, so node add fetches host keys unless a test records one first.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class LabMaster : IAsyncDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "gntt-master-" + Guid.NewGuid().ToString("N")[..8]);

    public LabMaster(LabFixture lab, IReadOnlyList<string>? hypervisors = null,
        Dictionary<string, Dictionary<string, System.Text.Json.JsonElement>>? hvparams = null)
    {
        Paths = new GanetiPaths(dir);
        ClusterBootstrap.Init(new InitOptions
        {
            Root = dir,
            ClusterName = "lab.test",
            NodeName = "master",
            PrimaryIp = lab.BridgeAddress,
            EnabledHypervisors = hypervisors ?? ["fake"],
            Hvparams = hvparams ?? [],
            EnabledDiskTemplates = ["diskless", "file"],
        });
        File.Copy(lab.IdentityFile, Paths.ClusterSshKey);
        File.SetUnixFileMode(Paths.ClusterSshKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Paths.KnownHosts, "");
        Ssh = new NodeSsh(Paths, new SshTransportOptions
        {
            IdentityFile = Paths.ClusterSshKey,
            KnownHostsFile = Paths.KnownHosts,
            ConnectTimeout = TimeSpan.FromSeconds(4),
        })
        { KeyscanTimeout = TimeSpan.FromSeconds(4) };
        var cfg = ConfigStore.Load(Paths).Current;
        MasterDaemon? started = null;
        var transports = LocalNode.ClusterTransports(Paths, cfg, () => started!.Context.Config.Current, Ssh);
        Daemon = started = MasterDaemon.Start(Paths, transports, options: new MasterOptions
        {
            Ssh = Ssh,
            NodeCheckTimeout = TimeSpan.FromSeconds(8),
            ReplicationTimeout = TimeSpan.FromSeconds(8),
        });
    }

    public GanetiPaths Paths { get; }
    public NodeSsh Ssh { get; }
    public MasterDaemon Daemon { get; }
    public IMasterService Service => Daemon.Service;

    public async Task<Job> RunAsync(JsonObject op, int seconds = 40)
    {
        var id = await Service.SubmitJobAsync([op], CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var job = Service.GetJob(id)!;
            if (JobStatus.IsFinal(job.CalcStatus())) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"job {id} still {job.CalcStatus()} after {seconds}s");
            await Task.Delay(50);
        }
    }

    public static JsonObject Op(string opId, JsonObject fields)
    {
        fields["OP_ID"] = opId;
        return fields;
    }

    public async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync();
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
    }
}
