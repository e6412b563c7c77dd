using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Paths;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.Rpc;

/// <summary>
/// How the master reaches nodes over SSH: the cluster key and known_hosts under the master's
/// root, the node's ssh_port, its host key looked up under its name. Also fetches a new node's
/// host key (ssh-keyscan) and creates the cluster key (ssh-keygen), each as an argument vector.
/// </summary>
public sealed class NodeSsh
{
    public NodeSsh(GanetiPaths paths, SshTransportOptions? template = null)
    {
        Template = template ?? new SshTransportOptions { IdentityFile = paths.ClusterSshKey, KnownHostsFile = paths.KnownHosts };
        KnownHosts = new KnownHostsFile(Template.KnownHostsFile);
    }

    /// <summary>The options every node's transport starts from.</summary>
    public SshTransportOptions Template { get; }

    public KnownHostsFile KnownHosts { get; }

    public string KeyscanPath { get; init; } = "ssh-keyscan";

    /// <summary>How long fetching a host key may take.</summary>
    public TimeSpan KeyscanTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public SshTransport Transport(ConfigData cfg, Node node) =>
        new(node.Name, node.PrimaryIp, Template with { HostKeyAlias = node.Name, Port = SshPort(cfg, node) });

    /// <summary>The node's ssh_port node parameter: its own, its group's, else the cluster's (default 22).</summary>
    public static int SshPort(ConfigData cfg, Node node)
    {
        foreach (var p in new[] { node.Ndparams, cfg.Nodegroups.GetValueOrDefault(node.Group)?.Ndparams, cfg.Cluster.Ndparams })
            if (p is not null && p.TryGetValue("ssh_port", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var port))
                return port;
        return 22;
    }

    /// <summary>
    /// Makes sure the node's host key is recorded: a key already in known_hosts (given by the
    /// administrator, or from an earlier add) is kept and will be enforced; otherwise the key the
    /// node presents now is fetched and recorded. Returns a line for the job log.
    /// </summary>
    public async Task<string> EnsureHostKeyAsync(string name, string address, int port, CancellationToken cancellationToken)
    {
        if (KnownHosts.KeysOf(name) is { Count: > 0 } known)
            return $"Using the host key of {name} recorded in the cluster's known_hosts ({known[0].Split(' ')[0]})";
        var keys = await ScanAsync(name, address, port, cancellationToken).ConfigureAwait(false);
        KnownHosts.Set(name, address, keys);
        return $"Recorded the host key of {name} as fetched from {address}: {string.Join(", ", keys.Select(k => k.Split(' ')[0]))}";
    }

    private async Task<IReadOnlyList<string>> ScanAsync(string name, string address, int port, CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(KeyscanTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var (code, stdout, stderr) = await RunAsync(KeyscanPath,
            ["-T", seconds, "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "ed25519,ecdsa,rsa", "--", address],
            KeyscanTimeout + TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        var keys = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 3)
            .Select(f => $"{f[1]} {f[2]}")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (keys.Count == 0)
        {
            var why = string.Join("; ", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(l => !l.StartsWith('#')));
            throw new GanetiException("OpPrereqError",
                $"Cannot fetch the SSH host key of {name} from {address} port {port} within {seconds} s" +
                (why.Length > 0 ? $": {why}" : code == 0 ? ": the node did not answer" : $": ssh-keyscan exited with code {code}"),
                ErrorCodes.Environment);
        }
        return keys;
    }

    /// <summary>Creates the cluster's SSH key pair (ed25519, no passphrase) unless it exists.</summary>
    public static async Task<bool> CreateClusterKeyAsync(GanetiPaths paths, string comment, CancellationToken cancellationToken,
        string sshKeygen = "ssh-keygen")
    {
        if (File.Exists(paths.ClusterSshKey)) return false;
        Directory.CreateDirectory(paths.DataDir);
        var (code, _, stderr) = await RunAsync(sshKeygen,
            ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", paths.ClusterSshKey],
            TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        if (code != 0)
            throw new GanetiException("OpExecError", $"{sshKeygen} failed (exit code {code}): {stderr.Trim()}", ErrorCodes.Environment);
        if (!File.Exists(paths.KnownHosts))
            await File.WriteAllTextAsync(paths.KnownHosts, "", cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Prepares a node to join (Ganeti's prepare-node-join): over the administrator's SSH access
    /// (<paramref name="adminIdentity"/>, the host key as recorded in the cluster's known_hosts),
    /// runs <paramref name="remoteCommand"/> on the node with the cluster's name and public key on
    /// its stdin; the node lets that key run its node command and nothing else. Returns what the
    /// node printed.
    /// </summary>
    public async Task<string> JoinAsync(string name, string address, int port, string adminIdentity, IReadOnlyList<string> remoteCommand,
        string joinRequestJson, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var options = Template with
        {
            IdentityFile = adminIdentity,
            HostKeyAlias = name,
            Port = port,
            RemoteCommand = remoteCommand,
        };
        var args = new SshTransport(name, address, options).Arguments();
        var (code, stdout, stderr) = await RunAsync(Template.SshPath, args, timeout, cancellationToken, joinRequestJson).ConfigureAwait(false);
        if (code != 0)
        {
            var why = string.Join("; ", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            throw new GanetiException("OpPrereqError",
                $"Preparing {name} ({address}) to join failed (exit code {code}){(why.Length > 0 ? ": " + why : "")}",
                code == 255 ? ErrorCodes.Environment : ErrorCodes.WrongState);
        }
        return stdout.Trim();
    }

    private static async Task<(int Code, string Out, string Err)> RunAsync(string program, IEnumerable<string> args, TimeSpan timeout,
        CancellationToken cancellationToken, string? stdin = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new GanetiException("OpExecError", $"Cannot run {program}: {e.Message}", ErrorCodes.Environment, e);
        }
        using (process)
        {
            if (stdin is not null) await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                if (cancellationToken.IsCancellationRequested) throw;
                throw new GanetiException("OpExecError", $"{program} did not finish within {timeout.TotalSeconds:0} s", ErrorCodes.Environment);
            }
            return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }
}
