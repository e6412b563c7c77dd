using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Ganeti.NodeHelpers.Processes;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Bench.Storage;

/// <summary>
/// Disk streams between two network-namespace nodes of a lab (tests/lab/lab.sh): the export
/// and import ends are the nodes' own `ganetid node` processes, started over SSH and driven
/// with import_start / export_start / impexp_status as the master drives them, against dd
/// piped through socat doing the same copy between the same namespaces. CPU is the time the
/// namespaces' processes used (both ends; for the reference, the dd and socat processes).
/// The lab's names come from GNTLAB_PREFIX, GNTLAB_DIR and GNTLAB_SUBNET (defaults gnts,
/// /tmp/gnts-lab, 10.83.0), so a bench does not collide with a lab somebody else runs.
/// </summary>
internal static class NetnsStreams
{
    private sealed record LabNode(string Name, string Address, string Root, string Namespace);

    public static async Task RunAsync(int sizeMiB, Action<string, double, TimeSpan, long> row)
    {
        var prefix = Environment.GetEnvironmentVariable("GNTLAB_PREFIX") ?? "gnts";
        var dir = Environment.GetEnvironmentVariable("GNTLAB_DIR") ?? Path.Combine(Path.GetTempPath(), "gnts-lab");
        var subnet = Environment.GetEnvironmentVariable("GNTLAB_SUBNET") ?? "10.83.0";
        var bytes = (long)sizeMiB << 20;
        Console.WriteLine($"Between two namespace nodes (lab {prefix}, {subnet}.0/24): {sizeMiB} MiB, half random, half zeros");
        var lab = new LabScript(dir, prefix, subnet);
        var up = await lab.UpAsync(2);
        try
        {
            var nodes = up.Select((n, i) => new LabNode(n.Name, n.Address, n.Root, $"{prefix}-node{i + 1}")).ToList();
            var (n1, n2) = (nodes[0], nodes[1]);
            var options = new SshTransportOptions { IdentityFile = Path.Combine(dir, "id_cluster"), KnownHostsFile = Path.Combine(dir, "known_hosts") };
            await using var t1 = new SshTransport(n1.Name, n1.Address, options);
            await using var t2 = new SshTransport(n2.Name, n2.Address, options);

            var src = Path.Combine(n1.Root, "srv/ganeti/file-storage/bench-src.img");
            var dst = Path.Combine(n2.Root, "srv/ganeti/file-storage/bench-dst.img");
            await using (var f = new FileStream(src, FileMode.Create))
            {
                var buf = new byte[1 << 20];
                var rnd = new Random(1);
                for (var i = 0; i < sizeMiB; i++)
                {
                    if (i % 2 == 0) rnd.NextBytes(buf); else Array.Clear(buf);
                    await f.WriteAsync(buf);
                }
            }
            await using (var f = new FileStream(dst, FileMode.Create)) f.SetLength(bytes);

            // A first small copy starts both node processes and compiles the stream code.
            await StreamAsync(t1, t2, n2, src, dst, sizeMiB, "none");
            foreach (var compression in new[] { "none", "gzip-fast" })
            {
                var cpu0 = NamespaceCpu(n1) + NamespaceCpu(n2);
                var sw = Stopwatch.StartNew();
                await StreamAsync(t1, t2, n2, src, dst, sizeMiB, compression);
                row($"netns: DiskStream {compression}, HMAC-SHA256", sw.Elapsed.TotalSeconds, NamespaceCpu(n1) + NamespaceCpu(n2) - cpu0, bytes);
            }
            if (Sha(src) != Sha(dst)) throw new InvalidOperationException("the copy differs from the source");

            // The reference: dd | socat in node 1's namespace, socat | dd in node 2's.
            const int port = 39412;
            var runner = ProcessCommandRunner.Instance;
            var cpuRef = ChildCpu.Children();
            var swRef = Stopwatch.StartNew();
            var receiver = runner.RunAsync(new CommandSpec("ip", "netns", "exec", n2.Namespace, "sh", "-c",
                $"socat -u TCP-LISTEN:{port},bind={n2.Address},reuseaddr STDOUT | dd of='{dst}' bs=1M conv=notrunc,fsync status=none")
                { Timeout = TimeSpan.FromMinutes(30) }, default);
            await WaitListeningAsync(n2, port);
            var sender = await runner.RunAsync(new CommandSpec("ip", "netns", "exec", n1.Namespace, "sh", "-c",
                $"dd if='{src}' bs=1M status=none | socat -u STDIN TCP:{n2.Address}:{port}") { Timeout = TimeSpan.FromMinutes(30) }, default);
            var received = await receiver;
            if (!sender.Succeeded || !received.Succeeded)
                throw new InvalidOperationException($"dd | socat failed: {sender.FailureReason} {received.FailureReason}");
            row("netns: dd | socat (reference)", swRef.Elapsed.TotalSeconds, ChildCpu.Children() - cpuRef, bytes);
            File.Delete(src);
            File.Delete(dst);
        }
        finally
        {
            await lab.DownAsync();
        }
    }

    private static async Task StreamAsync(SshTransport from, SshTransport to, LabNode target, string src, string dst, int sizeMiB, string compression)
    {
        var timeout = TimeSpan.FromMinutes(30);
        JsonObject Spec(string path) => new()
        {
            ["name"] = "bench", ["uuid"] = "bench", ["hypervisor"] = "fake",
            ["disks"] = new JsonArray(new JsonObject
            {
                ["uuid"] = "bench-disk", ["dev_type"] = "file", ["logical_id"] = new JsonArray("loop", path), ["size"] = sizeMiB, ["path"] = path,
            }),
        };
        var secret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var import = await to.CallAsync(NodeProcedures.ImportStart, new JsonObject
        {
            ["instance"] = Spec(dst), ["disk_index"] = 0, ["mode"] = "raw", ["listen_address"] = target.Address, ["secret"] = secret,
        }, timeout, default);
        var export = await from.CallAsync(NodeProcedures.ExportStart, new JsonObject
        {
            ["instance"] = Spec(src), ["disk_index"] = 0, ["mode"] = "raw", ["host"] = target.Address, ["port"] = import!["port"]!.GetValue<int>(),
            ["secret"] = secret, ["compression"] = compression, ["copy_swap"] = true,
        }, timeout, default);
        var names = new[] { (to, import["name"]!.GetValue<string>()), (from, export!["name"]!.GetValue<string>()) };
        var checksums = new List<string?>();
        foreach (var (t, name) in names)
        {
            while (true)
            {
                var s = (await t.CallAsync(NodeProcedures.ImpExpStatus, new JsonObject { ["names"] = new JsonArray(name) }, timeout, default))![0]!;
                if (s["done"]!.GetValue<bool>())
                {
                    if (!s["success"]!.GetValue<bool>()) throw new InvalidOperationException($"{name} failed: {s["error"]}");
                    checksums.Add(s["checksum"]?.GetValue<string>());
                    break;
                }
                await Task.Delay(20);
            }
            await t.CallAsync(NodeProcedures.ImpExpCleanup, new JsonObject { ["name"] = name }, timeout, default);
        }
        if (checksums[0] != checksums[1]) throw new InvalidOperationException("the two ends report different checksums");
    }

    /// <summary>CPU time (user + system) of every process in the node's namespace, from /proc/PID/stat.</summary>
    private static TimeSpan NamespaceCpu(LabNode node)
    {
        var psi = new ProcessStartInfo("ip", ["netns", "pids", node.Namespace]) { RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        var pids = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        long ticks = 0;
        foreach (var pid in pids)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // the process ended meanwhile
            }
        }
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    private static async Task WaitListeningAsync(LabNode node, int port)
    {
        for (var i = 0; i < 100; i++)
        {
            var r = await ProcessCommandRunner.Instance.RunAsync(new CommandSpec("ip", "netns", "exec", node.Namespace, "ss", "-Hltn", $"sport = :{port}"), default);
            if (r.Stdout.Contains("LISTEN", StringComparison.Ordinal)) return;
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"socat does not listen on {node.Address}:{port}");
    }

    private static string Sha(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(f));
    }
}
