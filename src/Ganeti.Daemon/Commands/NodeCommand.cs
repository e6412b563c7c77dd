using System.Runtime.InteropServices;
using Ganeti.Core.Config;
using Ganeti.Core.Json;
using Ganeti.Core.Paths;
using Ganeti.Daemon.Cli;
using Ganeti.Daemon.Posix;
using Ganeti.NodeHelpers;
using Ganeti.NodeHelpers.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Daemon.Commands;

/// <summary>
/// `ganetid node --stdio`: the node side of node RPC. The master's ssh client starts it (the
/// cluster key is restricted to this command) and speaks framed JSON over its stdin/stdout.
/// </summary>
public static class NodeCommand
{
    public static readonly IReadOnlyList<OptionSpec> Options =
    [
        new("stdio", null, "Serve node RPC on stdin/stdout until end of input (how the master's SSH transport runs it)"),
        new("root", "DIR", "Root of this node's state tree (default /)"),
        new("node-name", "NAME", "This node's name in the cluster (default: the host name)"),
    ];

    public const string Usage = "ganetid node --stdio [options]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, CancellationToken stop)
    {
        var p = new ArgParser("ganetid node", Options, args);
        if (p.HelpRequested)
        {
            stdout.WriteLine(ArgParser.Help(Usage,
                "Runs this machine's node role: hypervisors, storage and OS scripts behind the node RPC procedures.\n" +
                "With --stdio it answers framed JSON requests on stdin/stdout, one per line, until end of input.", Options));
            return 0;
        }
        if (p.Positional.Count > 0) throw new UsageException($"unexpected argument '{p.Positional[0]}'");
        if (!p.Flag("stdio")) throw new UsageException("only --stdio is supported: the master reaches nodes over SSH");
        var paths = new GanetiPaths(p.Get("root") ?? "/");
        var nodeName = p.Get("node-name") ?? System.Net.Dns.GetHostName();
        var context = Context(nodeName, paths);
        // The master writes this node's configuration copy and ssconf files while this process runs
        // (node add opens the connection before it hands them over): follow them.
        context.ClusterFilesChanged = () =>
        {
            var fresh = Context(nodeName, paths);
            context.OsSearchPath = fresh.OsSearchPath;
            context.AllowedFileStoragePaths = fresh.AllowedFileStoragePaths;
        };
        var dispatcher = NodeServices.CreateDispatcher(context);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cts.Cancel(); });
        var (input, output) = StandardStreams.TakeOver();
        await using (input)
        await using (output)
        {
            var server = new NodeRpcServer(nodeName, dispatcher.DispatchAsync);
            await server.RunAsync(input, output, Console.Error, cts.Token);
        }
        return 0;
    }

    /// <summary>
    /// The node's context from the cluster facts it holds: its copy of config.data (master
    /// candidates have one), else the ssconf files every node gets, else defaults.
    /// </summary>
    public static NodeContext Context(string nodeName, GanetiPaths paths)
    {
        if (File.Exists(paths.ConfigData))
        {
            try
            {
                return LocalNode.Context(nodeName, paths, new ConfigData { Cluster = ReadCluster(File.ReadAllBytes(paths.ConfigData)) });
            }
            catch (System.Text.Json.JsonException e)
            {
                Console.Error.WriteLine($"ganetid node: ignoring unreadable {paths.ConfigData}: {e.Message}");
            }
        }
        var fileDirs = new[] { "file_storage_dir", "shared_file_storage_dir" }
            .Select(key => ReadSsconf(paths, key)).OfType<string>().ToList();
        return LocalNode.Context(nodeName, paths, paths.OsSearchPath, fileDirs);
    }

    /// <summary>
    /// The cluster section of a configuration, all a node's context needs: the instances and
    /// nodes are skipped unread, since this runs on every copy the master pushes (megabytes for
    /// thousands of instances).
    /// </summary>
    public static Cluster ReadCluster(ReadOnlySpan<byte> configData)
    {
        var reader = new System.Text.Json.Utf8JsonReader(configData, new System.Text.Json.JsonReaderOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType != System.Text.Json.JsonTokenType.StartObject)
            throw new System.Text.Json.JsonException("the configuration is not a JSON object");
        while (reader.Read() && reader.TokenType == System.Text.Json.JsonTokenType.PropertyName)
        {
            var isCluster = reader.ValueTextEquals("cluster"u8);
            reader.Read();
            if (isCluster)
                return System.Text.Json.JsonSerializer.Deserialize<Cluster>(ref reader, GanetiJson.Options)
                    ?? throw new System.Text.Json.JsonException("the configuration's cluster is null");
            reader.Skip();
        }
        throw new System.Text.Json.JsonException("the configuration has no cluster section");
    }

    private static string? ReadSsconf(GanetiPaths paths, string key)
    {
        var file = paths.SsconfPrefix + key;
        if (!File.Exists(file)) return null;
        var value = File.ReadAllText(file).Trim();
        return value.Length == 0 ? null : value;
    }
}
