using System.Diagnostics;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Daemon.Tests.Lab;

/// <summary>One node of the lab, as lab.sh lists it.</summary>
public sealed record LabNode(int Number, string Name, string Address, string Root);

/// <summary>
/// A lab of three nodes made by tests/lab/lab.sh: network namespaces with their own sshd,
/// reached with the lab's cluster key. Names and addresses differ from a lab a human may have
/// up (prefix gntt, 10.78.0.0/24, unless a derived fixture picks others), and a lock file keeps
/// two test runs from sharing them.
/// Missing tools make the lab, and so the tests, fail: they never skip.
/// </summary>
public class LabFixture : IAsyncLifetime
{
    public const int NodeCount = 3;
    private FileStream? lockFile;

    public LabFixture() : this("gntt", "10.78.0")
    {
    }

    /// <summary>A lab of its own: every test collection that runs a lab at the same time needs another prefix and subnet.</summary>
    protected LabFixture(string prefix, string subnet)
    {
        Prefix = prefix;
        Subnet = subnet;
        Dir = Path.Combine(Path.GetTempPath(), prefix + "-lab");
    }

    public string Prefix { get; }

    /// <summary>The first three octets of the lab's /24.</summary>
    public string Subnet { get; }

    /// <summary>The bridge's address, where an in-process master reaches the nodes from.</summary>
    public string BridgeAddress => Subnet + ".254";

    public string Dir { get; }

    public IReadOnlyList<LabNode> Nodes { get; private set; } = [];

    public string IdentityFile => Path.Combine(Dir, "id_cluster");

    public string KnownHostsFile => Path.Combine(Dir, "known_hosts");

    public static string Script { get; } = FindScript();

    public SshTransportOptions TransportOptions => new() { IdentityFile = IdentityFile, KnownHostsFile = KnownHostsFile };

    public SshTransport Transport(int number, SshTransportOptions? options = null)
    {
        var node = Nodes[number - 1];
        return new SshTransport(node.Name, node.Address, options ?? TransportOptions);
    }

    public async Task InitializeAsync()
    {
        lockFile = await TakeLockAsync();
        await RunAsync("down");
        var (code, output, err) = await RunAsync("up", NodeCount.ToString());
        if (code != 0) throw new InvalidOperationException($"lab.sh up {NodeCount} failed ({code}):\n{output}{err}");
        Nodes = File.ReadAllLines(Path.Combine(Dir, "nodes")).Select((line, i) =>
        {
            var f = line.Split(' ');
            return new LabNode(i + 1, f[0], f[1], f[2]);
        }).ToList();
    }

    public async Task DisposeAsync()
    {
        try
        {
            var (code, output, err) = await RunAsync("down");
            if (code != 0) throw new InvalidOperationException($"lab.sh down failed ({code}):\n{output}{err}");
        }
        finally
        {
            lockFile?.Dispose();
        }
    }

    /// <summary>Undoes what a test did to the nodes: links up, every sshd running.</summary>
    public async Task HealAsync()
    {
        foreach (var n in Nodes)
        {
            await RunCheckedAsync("mend", n.Number.ToString());
            var (code, _, _) = await RunAsync("exec", n.Number.ToString(), "sh", "-c", "ss -Hltn 'sport = :22' | grep -q LISTEN");
            if (code != 0) await RunCheckedAsync("start-node", n.Number.ToString());
        }
    }

    public async Task RunCheckedAsync(params string[] args)
    {
        var (code, output, err) = await RunAsync(args);
        if (code != 0) throw new InvalidOperationException($"lab.sh {string.Join(' ', args)} failed ({code}):\n{output}{err}");
    }

    public async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GANETID"] = Ganetid.Dll;
        psi.Environment["GNTLAB_DIR"] = Dir;
        psi.Environment["GNTLAB_PREFIX"] = Prefix;
        psi.Environment["GNTLAB_SUBNET"] = Subnet;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout, await stderr);
    }

    private async Task<FileStream> TakeLockAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), Prefix + "-lab.lock");
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "lab", "lab.sh");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("tests/lab/lab.sh not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "lab";
}
