using System.Net;
using System.Runtime.InteropServices;
using Ganeti.Core.Paths;
using Ganeti.Daemon.Cli;
using Ganeti.Master;
using Ganeti.Master.Config;
using Ganeti.Master.Rapi;
using Ganeti.Master.Rpc;

namespace Ganeti.Daemon.Commands;

/// <summary>`ganetid master`: runs the master daemon (job queue, scheduler, RAPI) until stopped.</summary>
public static class MasterCommand
{
    public static readonly IReadOnlyList<OptionSpec> Options =
    [
        new("root", "DIR", "Root of the cluster's state tree (default /)"),
        new("rapi-bind", "ADDR", "Address the Remote API listens on (default 0.0.0.0)"),
        new("rapi-port", "PORT", $"Port of the Remote API (default {RapiServerOptions.DefaultPort})"),
        new("require-authentication", null, "Require authentication for every RAPI request, reads included"),
        new("no-ssl", null, "Serve RAPI over plain HTTP (testing only)"),
        new("max-body-size", "BYTES", "Largest RAPI request body accepted (default 1048576)"),
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
        var bind = p.Get("rapi-bind") ?? "0.0.0.0";
        if (!IPAddress.TryParse(bind, out var address))
            throw new UsageException($"--rapi-bind must be an IP address, got '{bind}'");
        var paths = new GanetiPaths(p.Get("root") ?? "/");
        var config = ConfigStore.Load(paths);
        var ssh = new NodeSsh(paths);
        MasterDaemon? started = null;
        // Transports are made on first use, by then from the running master's configuration.
        var transports = LocalNode.ClusterTransports(paths, config.Current, () => started?.Context.Config.Current ?? config.Current, ssh);
        await using var daemon = started = MasterDaemon.Start(paths, transports, options: new MasterOptions { Ssh = ssh });
        foreach (var id in daemon.Context.Queue.RecoveredJobs)
            Console.Error.WriteLine($"ganetid master: job {id} was running when the master stopped; marked as failed");
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
        return 0;
    }
}
