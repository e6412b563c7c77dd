using System.Net;
using System.Runtime.InteropServices;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Paths;
using Ganeti.Daemon.Cli;
using Ganeti.Master;
using Ganeti.Master.Config;
using Ganeti.Master.Failover;
using Ganeti.Master.Rapi;
using Ganeti.Master.Rpc;
using Ganeti.NodeHelpers.MasterRole;
using Ganeti.NodeHelpers.Processes;

namespace Ganeti.Daemon.Commands;

/// <summary>`ganetid master`: runs the master daemon (job queue, scheduler, RAPI) until stopped.</summary>
public static class MasterCommand
{
    public static readonly IReadOnlyList<OptionSpec> Options =
    [
        new("root", "DIR", "Root of the cluster's state tree (default /)"),
        new("node-name", "NAME", "This node's name in the cluster: the master refuses to start unless its configuration names it"),
        new("rapi-bind", "ADDR", "Address the Remote API listens on (default 0.0.0.0)"),
        new("rapi-port", "PORT", $"Port of the Remote API (default {RapiServerOptions.DefaultPort})"),
        new("require-authentication", null, "Require authentication for every RAPI request, reads included"),
        new("no-ssl", null, "Serve RAPI over plain HTTP (testing only)"),
        new("max-body-size", "BYTES", "Largest RAPI request body accepted (default 1048576)"),
        new("watcher-interval", "SECONDS", "How often the watcher restarts instances marked up that are down (default 300; 0: never)"),
    ];

    public const string Usage = "ganetid master [options]";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, CancellationToken stop)
    {
        var p = new ArgParser("ganetid master", Options, args);
        if (p.HelpRequested)
        {
            stdout.WriteLine(ArgParser.Help(Usage,
                "Runs the master daemon of an initialised cluster: recovers the job queue, runs jobs and serves the\n" +
                "Remote API (RAPI v2, HTTPS with the cluster certificate) until SIGTERM or SIGINT.", Options));
            return 0;
        }
        if (p.Positional.Count > 0) throw new UsageException($"unexpected argument '{p.Positional[0]}'");
        var paths = new GanetiPaths(p.Get("root") ?? "/");
        // An old master coming back after a failover holds a configuration that names the new one.
        if (p.Get("node-name") is { } me && ConfigStore.Load(paths).Current is var cfg && cfg.MasterNode.Name != me)
            throw new GanetiException("OpPrereqError",
                $"This node ({me}) is not the master: the configuration names {cfg.MasterNode.Name}. " +
                $"Start the master there, or run 'ganetid master-failover' here to take over", ErrorCodes.WrongState);
        return await ServeAsync(p, paths, stdout, stop, new MasterOptions(), null);
    }

    /// <summary>
    /// Runs the master daemon under <paramref name="paths"/> with the RAPI options in
    /// <paramref name="p"/> until stopped; <paramref name="started"/> runs once the daemon is up,
    /// before the RAPI server starts.
    /// </summary>
    public static async Task<int> ServeAsync(ArgParser p, GanetiPaths paths, TextWriter stdout, CancellationToken stop,
        MasterOptions baseOptions, Func<MasterDaemon, Task>? started)
    {
        var bind = p.Get("rapi-bind") ?? "0.0.0.0";
        if (!IPAddress.TryParse(bind, out var address))
            throw new UsageException($"--rapi-bind must be an IP address, got '{bind}'");
        var config = ConfigStore.Load(paths);
        var ssh = new NodeSsh(paths);
        MasterDaemon? running = null;
        // Transports are made on first use, by then from the running master's configuration.
        var transports = LocalNode.ClusterTransports(paths, config.Current, () => running?.Context.Config.Current ?? config.Current, ssh);
        var watcher = p.Int("watcher-interval", 300, 0);
        await using var daemon = running = MasterDaemon.Start(paths, transports, options: baseOptions with
        {
            Ssh = ssh,
            WatcherInterval = watcher == 0 ? null : TimeSpan.FromSeconds(watcher),
        });
        MasterProcess.WritePidFile(paths);
        try
        {
            foreach (var id in started is null ? daemon.Context.Queue.RecoveredJobs : [])
                Console.Error.WriteLine($"ganetid master: job {id} was running when the master stopped; marked as failed");
            if (started is not null) await started(daemon);
            await MasterIpAsync(daemon.Context.Config.Current, activate: true);
            var options = new RapiServerOptions
            {
                BindAddress = address,
                Port = p.Int("rapi-port", RapiServerOptions.DefaultPort, 0, 65535),
                CertificateFile = paths.RapiCert,
                UsersFile = paths.RapiUsers,
                RequireAuthentication = p.Flag("require-authentication"),
                NoSsl = p.Flag("no-ssl"),
                MaxRequestBodySize = p.Int("max-body-size", 1024 * 1024, 1024),
            };
            await using var rapi = new RapiServer(daemon.Service, options);
            await rapi.StartAsync(stop);
            var scheme = options.NoSsl ? "http" : "https";
            stdout.WriteLine($"ganetid master: cluster {daemon.Context.Config.Current.Cluster.ClusterName}, RAPI listening on {scheme}://{bind}:{rapi.Port}/");
            stdout.Flush();
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopped.TrySetResult(); });
            using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stopped.TrySetResult(); });
            using var reg = stop.Register(() => stopped.TrySetResult());
            await stopped.Task;
            stdout.WriteLine("ganetid master: stopping");
            await rapi.StopAsync(CancellationToken.None);
            await MasterIpAsync(daemon.Context.Config.Current, activate: false);
        }
        finally
        {
            MasterProcess.RemovePidFile(paths);
        }
        return 0;
    }

    /// <summary>
    /// Adds (or removes) the cluster's master IP on this node, as Ganeti's master start and stop do.
    /// A failure is reported, not fatal: the master still answers on its own address.
    /// </summary>
    private static async Task MasterIpAsync(ConfigData cfg, bool activate)
    {
        if (!MasterFailover.HasMasterIp(cfg)) return;
        var ip = new MasterIp(ProcessCommandRunner.Instance);
        var c = cfg.Cluster;
        try
        {
            var changed = activate
                ? await ip.ActivateAsync(c.MasterIp, c.MasterNetmask, c.MasterNetdev, CancellationToken.None)
                : await ip.DeactivateAsync(c.MasterIp, c.MasterNetmask, c.MasterNetdev, CancellationToken.None);
            if (changed)
                Console.Error.WriteLine($"ganetid master: {(activate ? "added" : "removed")} the master IP {c.MasterIp}/{c.MasterNetmask} " +
                                        $"{(activate ? "on" : "from")} {c.MasterNetdev}");
        }
        catch (GanetiException e)
        {
            Console.Error.WriteLine($"ganetid master: warning: {e.Message}");
        }
    }
}
