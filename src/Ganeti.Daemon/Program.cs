// ganetid: the GanetiCluster executable. Roles: init, master, master-failover, node, htools.
using Ganeti.Core.Errors;
using Ganeti.Daemon.Cli;
using Ganeti.Daemon.Commands;

namespace Ganeti.Daemon;

public static class Program
{
    /// <summary>Exit codes scripts can rely on.</summary>
    public const int ExitOk = 0, ExitFailure = 1, ExitUsage = 2;

    private const string Usage = """
        Usage: ganetid COMMAND [options]

        Commands:
          init      Initialise a new cluster with this machine as master (gnt-cluster init)
          master    Run the master daemon: job queue, scheduler and the Remote API
          master-failover
                    Make this master candidate the master (gnt-cluster master-failover), then run the master daemon
          node      Serve this node's RPC procedures (node --stdio: for the master's SSH transport)
          prepare-node-join
                    Let the cluster key run the node command on a new node, over the administrator's SSH access
          node-join The node's half of prepare-node-join (reads the request on stdin)
          watcher   Pause, resume or show the master's instance watcher (gnt-cluster watcher)
          htools    Run an htools program: hbal, hail, hspace, hroller, hinfo, hcheck (Ganeti's options)
          version   Print the version

        Run 'ganetid COMMAND --help' for the options of a command.
        Exit codes: 0 success, 1 the operation failed, 2 bad usage.
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? Console.Error : Console.Out).WriteLine(Usage);
            return args.Length == 0 ? ExitUsage : ExitOk;
        }
        var command = args[0];
        var rest = args.Skip(1).ToList();
        try
        {
            return command switch
            {
                "init" => await InitCommand.RunAsync(rest, Console.Out, CancellationToken.None),
                "master" => await MasterCommand.RunAsync(rest, Console.Out, CancellationToken.None),
                "master-failover" => await MasterFailoverCommand.RunAsync(rest, Console.Out, CancellationToken.None),
                "node" => await NodeCommand.RunAsync(rest, Console.Out, CancellationToken.None),
                "prepare-node-join" => await PrepareNodeJoinCommand.RunAsync(rest, Console.Out, CancellationToken.None),
                "node-join" => await NodeJoinCommand.RunAsync(rest, Console.Out, CancellationToken.None),
                "watcher" => WatcherCommand.Run(rest, Console.Out),
                "htools" => RunHTools(rest),
                "version" or "--version" => PrintVersion(),
                _ => throw new UsageException($"unknown command '{command}'"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"ganetid {command}: {e.Message}");
            return ExitUsage;
        }
        catch (GanetiException e)
        {
            Console.Error.WriteLine($"ganetid {command}: error: {e.Message}" + (e.Ecode is null ? "" : $" (error type: {e.Ecode})"));
            return ExitFailure;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"ganetid {command}: error: {e.Message}");
            return ExitFailure;
        }
        catch (UnauthorizedAccessException e)
        {
            Console.Error.WriteLine($"ganetid {command}: error: {e.Message}");
            return ExitFailure;
        }
    }

    private static int RunHTools(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help")
        {
            Console.Out.WriteLine("Usage: ganetid htools hbal|hail|hspace|hroller|hinfo|hcheck [options]\n\n" +
                "Runs the htools program with Ganeti's options, e.g. 'ganetid htools hbal -t cluster.data -C'.");
            return args.Count == 0 ? ExitUsage : ExitOk;
        }
        return Ganeti.HTools.Cli.HToolsCli.Run(args[0], args.Skip(1).ToArray(), Console.Out, Console.Error);
    }

    private static int PrintVersion()
    {
        Console.WriteLine($"ganetid (GanetiCluster) {Core.ProjectInfo.Version}, compatible with Ganeti {Core.ProjectInfo.GanetiCompatVersion}");
        return ExitOk;
    }
}
