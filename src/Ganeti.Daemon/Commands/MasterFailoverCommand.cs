using Ganeti.Core.Jobs;
using Ganeti.Core.Paths;
using Ganeti.Daemon.Cli;
using Ganeti.Master;
using Ganeti.Master.Failover;
using Ganeti.Master.Jobs;
using Ganeti.Master.Rpc;
using Ganeti.NodeHelpers.Rpc;

namespace Ganeti.Daemon.Commands;

/// <summary>
/// `ganetid master-failover`: run on a master candidate to make it the master (gnt-cluster
/// master-failover), then serve as the master daemon, as `ganetid master` does.
/// </summary>
public static class MasterFailoverCommand
{
    public static readonly IReadOnlyList<OptionSpec> Options =
    [
        .. MasterCommand.Options.Where(o => o.Name != "node-name"),
        new("node-name", "NAME", "This node's name in the cluster (default: the host name)"),
        new("no-voting", null, "Take over even when most nodes cannot confirm who the master is (needs --yes-do-it)"),
        new("yes-do-it", null, "Confirm --no-voting: this node's copies of the configuration and queue are trusted as they are"),
    ];

    public const string Usage = "ganetid master-failover [--no-voting --yes-do-it] [options]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, CancellationToken stop)
    {
        var p = new ArgParser("ganetid master-failover", Options, args);
        if (p.HelpRequested)
        {
            stdout.WriteLine(ArgParser.Help(Usage,
                "Makes this master candidate the cluster's master: the nodes vote on who the master is (a majority must\n" +
                "agree with this node's configuration), the newest copy of the configuration and job queue among the\n" +
                "candidates is taken, the old master's daemon is stopped and the master IP moved here when the old master\n" +
                "can be reached. Jobs the old master was running end as failed; queued jobs run here. Then this process\n" +
                "serves as the master daemon (the RAPI options are those of 'ganetid master') until SIGTERM or SIGINT.", Options));
            return 0;
        }
        if (p.Positional.Count > 0) throw new UsageException($"unexpected argument '{p.Positional[0]}'");
        var noVoting = p.Flag("no-voting");
        if (noVoting && !p.Flag("yes-do-it"))
            throw new UsageException("--no-voting takes over without checking that this node's configuration is current; " +
                                     "confirm with --yes-do-it");
        var paths = new GanetiPaths(p.Get("root") ?? "/");
        var nodeName = p.Get("node-name") ?? System.Net.Dns.GetHostName();
        void Log(string line)
        {
            stdout.WriteLine($"ganetid master-failover: {line}");
            stdout.Flush();
        }

        var local = NodeServices.CreateDispatcher(NodeCommand.Context(nodeName, paths));
        var failover = new MasterFailover(paths, nodeName, new NodeSsh(paths), local.DispatchAsync) { NoVoting = noVoting, Log = Log };
        var outcome = await failover.RunAsync(stop);

        return await MasterCommand.ServeAsync(p, paths, stdout, stop,
            new MasterOptions { InterruptedJobMessage = JobQueue.FailoverMessage },
            async daemon =>
            {
                var queue = daemon.Context.Queue;
                foreach (var id in queue.RecoveredJobs) Log($"job {id} was running on {outcome.OldMaster}; marked as failed (master failover)");
                var left = queue.All().Count(e => !JobStatus.IsFinal(e.Job.CalcStatus()));
                if (left > 0) Log($"{left} job(s) that were queued run here");
                // Every candidate's queue copy may be older than ours (jobs just aborted): send the whole queue,
                // with the configuration, to each, and the new ssconf to every node.
                var cfg = daemon.Context.Config.Current;
                foreach (var n in cfg.Nodes.Values.Where(n => n.MasterCandidate && n.Uuid != cfg.Cluster.MasterNode))
                    daemon.Context.Replication.Queue.MarkBehind(n.Uuid);
                await daemon.Context.Config.UpdateAsync(_ => { }, stop);
                foreach (var (uuid, why) in daemon.Context.Replication.Failed)
                    Log($"warning: {daemon.Context.Config.Current.Nodes.GetValueOrDefault(uuid)?.Name ?? uuid}: {why}");
                Log($"{nodeName} is the master now");
            });
    }
}
