using System.Diagnostics;
using System.Text.Json;
using Ganeti.Core.Paths;
using Ganeti.NodeHelpers.Hypervisors.Kvm;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Hypervisors.Kvm;

/// <summary>
/// Nodes for real-qemu tests on one machine: each node is a network namespace with a bridge
/// (br0) and its own root directory; with two nodes a veth pair joins the bridges, so
/// migration crosses a real virtual network. Everything made is removed on dispose,
/// including qemu processes a failed test left behind.
/// </summary>
public sealed class KvmLab : IAsyncDisposable
{
    public sealed record LabNode(string Namespace, string Address, GanetiPaths Paths, KvmHypervisor Hypervisor)
    {
        public KvmInstanceFiles Files(string instance) => new(Paths, instance);
    }

    private readonly string id;
    private readonly List<LabNode> nodes = [];
    private readonly List<string> namespaces = [];

    private KvmLab(string id, string root)
    {
        this.id = id;
        Root = root;
    }

    public string Root { get; }
    public IReadOnlyList<LabNode> Nodes => nodes;
    public string SharedDir => Path.Combine(Root, "shared");

    public static async Task<KvmLab> CreateAsync(int nodeCount)
    {
        _ = TestGuest.Kernel;
        var id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6];
        var lab = new KvmLab(id, $"/tmp/gk{id}");
        try
        {
            Directory.CreateDirectory(lab.SharedDir);
            for (var i = 0; i < nodeCount; i++)
            {
                var ns = $"gk{id}n{i}";
                Run("ip", "netns", "add", ns);
                lab.namespaces.Add(ns);
                Run("ip", "-n", ns, "link", "set", "lo", "up");
                // A fixed bridge MAC: otherwise the bridge takes its ports' lowest MAC, which
                // changes as taps come and go and leaves the other node's ARP entry stale.
                Run("ip", "-n", ns, "link", "add", "br0", "address", $"02:00:00:00:00:{i + 1:x2}", "type", "bridge");
                Run("ip", "-n", ns, "link", "set", "br0", "up");
                var address = $"10.231.{Convert.ToInt32(id[..2], 16)}.{i + 1}";
                Run("ip", "-n", ns, "addr", "add", address + "/24", "dev", "br0");
                var root = Path.Combine(lab.Root, $"n{i}");
                var paths = new GanetiPaths(root);
                var hv = new KvmHypervisor(paths, new KvmHypervisorOptions
                {
                    CommandPrefix = ["ip", "netns", "exec", ns],
                    RebootShutdownTimeout = TimeSpan.FromSeconds(30),
                });
                lab.nodes.Add(new LabNode(ns, address, paths, hv));
            }
            for (var i = 1; i < nodeCount; i++)
            {
                var a = $"gk{id}v{i}a";
                var b = $"gk{id}v{i}b";
                Run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
                Run("ip", "link", "set", a, "netns", lab.namespaces[0]);
                Run("ip", "link", "set", b, "netns", lab.namespaces[i]);
                Run("ip", "-n", lab.namespaces[0], "link", "set", a, "master", "br0", "up");
                Run("ip", "-n", lab.namespaces[i], "link", "set", b, "master", "br0", "up");
            }
            await Task.CompletedTask;
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>An instance running the test guest under TCG, with one NIC on br0.</summary>
    public static InstanceSpec Instance(string name, Action<Dictionary<string, JsonElement>>? hv = null,
        long memory = 128, string mac = "aa:00:00:12:34:56", IReadOnlyList<DiskSpec>? disks = null, int? networkPort = null)
    {
        var hvparams = TestGuest.KvmHvparams();
        hvparams["kernel_args"] = J("quiet");
        hv?.Invoke(hvparams);
        return new InstanceSpec
        {
            Name = name,
            Uuid = Guid.NewGuid().ToString(),
            Hypervisor = "kvm",
            Hvparams = hvparams,
            Beparams = new Dictionary<string, JsonElement> { ["maxmem"] = J(memory), ["minmem"] = J(memory), ["vcpus"] = J(1) },
            Nics = [new NicSpec { Uuid = Guid.NewGuid().ToString(), Mac = mac, Mode = "bridged", Link = "br0" }],
            Disks = disks ?? [],
            NetworkPort = networkPort,
        };
    }

    public static JsonElement J<T>(T value) => JsonSerializer.SerializeToElement(value);

    /// <summary>A raw disk file both nodes see, as with the sharedfile template.</summary>
    public DiskSpec SharedDisk(string name, long sizeMiB = 16)
    {
        var path = Path.Combine(SharedDir, name);
        using (var f = File.Create(path)) f.SetLength(sizeMiB * 1024 * 1024);
        return new DiskSpec { Uuid = Guid.NewGuid().ToString(), DevType = "sharedfile", Path = path, SizeMiB = sizeMiB, Index = 0 };
    }

    /// <summary>Names of the links in a node's namespace (to check taps were removed).</summary>
    public static string Links(string ns) => Run("ip", "-n", ns, "-o", "link", "show");

    public static string Run(params string[] argv)
    {
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', argv)} failed ({p.ExitCode}): {err.Result}");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in nodes)
        {
            await node.Hypervisor.DisposeAsync();
            var pidDir = Path.Combine(node.Paths.KvmHypervisorDir, "pid");
            if (!Directory.Exists(pidDir)) continue;
            foreach (var pidFile in Directory.GetFiles(pidDir))
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && KvmProcessRunner.IsQemuOf(pid, Path.GetFileName(pidFile)))
                {
                    KvmProcessRunner.Signal(pid, KvmProcessRunner.SigKill);
                    for (var i = 0; i < 50 && KvmProcessRunner.IsQemuOf(pid, Path.GetFileName(pidFile)); i++)
                        await Task.Delay(20);
                }
        }
        foreach (var ns in namespaces)
        {
            try
            {
                Run("ip", "netns", "del", ns);
            }
            catch (InvalidOperationException)
            {
            }
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        _ = id;
    }
}
