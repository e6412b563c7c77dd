using Ganeti.Core.Json;
using Ganeti.Core.Paths;
using Ganeti.Daemon.Cli;
using Ganeti.NodeHelpers.Setup;

namespace Ganeti.Daemon.Commands;

/// <summary>
/// `ganetid node-join`: the node's half of prepare-node-join. The master runs it over the
/// administrator's SSH access and writes the cluster's name and public key to its stdin.
/// </summary>
public static class NodeJoinCommand
{
    public const string DefaultAuthorizedKeys = "/root/.ssh/authorized_keys";

    public static readonly IReadOnlyList<OptionSpec> Options =
    [
        new("root", "DIR", "Root of this node's state tree (default /)"),
        new("node-name", "NAME", "This node's name in the cluster (default: the host name)"),
        new("authorized-keys", "FILE", $"The authorized_keys file sshd reads for root (default {DefaultAuthorizedKeys})"),
    ];

    public const string Usage = "ganetid node-join [options] < REQUEST";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var p = new ArgParser("ganetid node-join", Options, args);
        if (p.HelpRequested)
        {
            stdout.WriteLine(ArgParser.Help(Usage,
                "Lets a cluster's key run this node's node command and nothing else. Reads {\"cluster_name\", \"cluster_key\"}\n" +
                "as JSON on stdin (the master's 'ganetid prepare-node-join' sends it); refuses when this node belongs to\n" +
                "another cluster.", Options));
            return 0;
        }
        if (p.Positional.Count > 0) throw new UsageException($"unexpected argument '{p.Positional[0]}'");
        var paths = new GanetiPaths(p.Get("root") ?? "/");
        var nodeName = p.Get("node-name") ?? System.Net.Dns.GetHostName();
        var input = await Console.In.ReadToEndAsync(cancellationToken);
        NodeJoinRequest request;
        try
        {
            request = GanetiJson.Deserialize<NodeJoinRequest>(System.Text.Encoding.UTF8.GetBytes(input));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UsageException($"stdin must hold the join request as JSON {{\"cluster_name\", \"cluster_key\"}}: {e.Message}");
        }
        stdout.WriteLine(NodeJoin.Apply(paths, request, NodeCommandLine(paths, nodeName), p.Get("authorized-keys") ?? DefaultAuthorizedKeys));
        return 0;
    }

    /// <summary>This very program in its node role, as sshd is to run it for the cluster key.</summary>
    public static IReadOnlyList<string> NodeCommandLine(GanetiPaths paths, string nodeName)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        var program = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? new[] { self, typeof(Program).Assembly.Location }
            : [self];
        return [.. program, "node", "--stdio", "--root", paths.Root, "--node-name", nodeName];
    }
}
