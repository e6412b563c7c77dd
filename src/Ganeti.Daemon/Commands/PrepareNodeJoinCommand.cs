using System.Net;
using System.Text.Json.Nodes;
using Ganeti.Core.Paths;
using Ganeti.Daemon.Cli;
using Ganeti.Master.Config;
using Ganeti.Master.Rpc;

namespace Ganeti.Daemon.Commands;

/// <summary>
/// `ganetid prepare-node-join NODE`, run on the master before node add (as Ganeti's gnt-node add
/// does): records the node's host key, then over the administrator's SSH access has the node let
/// the cluster key run its node command and nothing else.
/// </summary>
public static class PrepareNodeJoinCommand
{
    public static readonly IReadOnlyList<OptionSpec> Options =
    [
        new("root", "DIR", "Root of the master's state tree (default /)"),
        new("address", "IP", "The node's primary address (default: its name's address)"),
        new("ssh-identity", "FILE", "The administrator's SSH private key that may log in to the node as root (required)"),
        new("ssh-port", "PORT", "The node's SSH port (default 22)"),
        new("node-root", "DIR", "Root of the node's state tree (default /)"),
        new("authorized-keys", "FILE", $"The node's authorized_keys file for root (default {NodeJoinCommand.DefaultAuthorizedKeys})"),
        new("remote-ganetid", "WORD", "How to run ganetid on the node, one word per option (default: ganetid)", Repeatable: true),
        new("timeout", "SECONDS", "How long the whole exchange may take (default 60)"),
    ];

    public const string Usage = "ganetid prepare-node-join NODE --ssh-identity FILE [options]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var p = new ArgParser("ganetid prepare-node-join", Options, args);
        if (p.HelpRequested)
        {
            stdout.WriteLine(ArgParser.Help(Usage,
                "Prepares a machine to be added as a node (before gnt-node add / OP_NODE_ADD): records its SSH host key in\n" +
                "the cluster's known_hosts, then logs in with the administrator's key and runs 'ganetid node-join' there,\n" +
                "which lets the cluster key run the node command and nothing else. Refused when the node belongs to\n" +
                "another cluster, or presents a host key other than the one recorded.", Options));
            return 0;
        }
        if (p.Positional.Count != 1) throw new UsageException("give exactly one node name");
        var name = p.Positional[0];
        var identity = p.Required("ssh-identity");
        if (!File.Exists(identity)) throw new UsageException($"--ssh-identity: {identity} does not exist");
        var paths = new GanetiPaths(p.Get("root") ?? "/");
        var cfg = ConfigStore.Load(paths).Current;
        if (!File.Exists(paths.ClusterSshPublicKey))
            throw new Core.Errors.GanetiException("OpPrereqError", $"The cluster has no SSH key ({paths.ClusterSshPublicKey}); create it with ssh-keygen first",
                Core.Errors.ErrorCodes.Environment);
        var address = p.Get("address") ?? (await Dns.GetHostAddressesAsync(name, cancellationToken)).FirstOrDefault()?.ToString()
            ?? throw new UsageException($"cannot resolve {name}; give --address");
        if (!IPAddress.TryParse(address, out _)) throw new UsageException($"--address must be an IP address, got '{address}'");
        var port = p.Int("ssh-port", 22, 1, 65535);
        var ssh = new NodeSsh(paths);
        stdout.WriteLine(await ssh.EnsureHostKeyAsync(name, address, port, cancellationToken));
        var remote = p.GetAll("remote-ganetid") is { Count: > 0 } r ? r : ["ganetid"];
        var request = new JsonObject
        {
            ["cluster_name"] = cfg.Cluster.ClusterName,
            ["cluster_key"] = File.ReadAllText(paths.ClusterSshPublicKey).Trim(),
        };
        var answer = await ssh.JoinAsync(name, address, port, identity,
            [.. remote, "node-join", "--root", p.Get("node-root") ?? "/", "--node-name", name,
                "--authorized-keys", p.Get("authorized-keys") ?? NodeJoinCommand.DefaultAuthorizedKeys],
            request.ToJsonString(), TimeSpan.FromSeconds(p.Int("timeout", 60, 1, 3600)), cancellationToken);
        stdout.WriteLine($"{name}: {answer}");
        return 0;
    }
}
