using Ganeti.Core.Config;
using Ganeti.Core.Paths;
using Ganeti.Master.Config;
using Ganeti.Master.Jobs;
using Ganeti.Master.LogicalUnits;
using Ganeti.Master.Locking;
using Ganeti.Master.Query;
using Ganeti.Master.Replication;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master;

/// <summary>
/// The master's moving parts wired together: configuration, job queue (recovered from disk),
/// lock manager, node RPC, query engine, scheduler and the client-facing service. The RAPI
/// server is started on top of <see cref="Service"/> by the daemon.
/// </summary>
public sealed class MasterDaemon : IAsyncDisposable
{
    /// <summary>Finished jobs older than this are archived, as Ganeti's watcher does.</summary>
    public static readonly TimeSpan JobArchiveAge = TimeSpan.FromHours(6);

    private readonly Timer archiver;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task watching;

    private MasterDaemon(MasterContext context, JobScheduler scheduler, TimeSpan? watcherInterval)
    {
        Context = context;
        Scheduler = scheduler;
        var service = new MasterService(context, scheduler);
        Service = service;
        context.SubmitJobs = service.SubmitFollowUpsAsync;
        archiver = new Timer(_ => ArchiveOldJobs(context), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5));
        Watcher = new Watcher.InstanceWatcher(service, context.Paths, () => context.Queue.Drained);
        watching = watcherInterval is { } every && every > TimeSpan.Zero ? WatchAsync(every, stopping.Token) : Task.CompletedTask;
    }

    /// <summary>Ganeti's watcher for the instances: see <see cref="Watcher.InstanceWatcher"/>.</summary>
    public Watcher.InstanceWatcher Watcher { get; }

    private async Task WatchAsync(TimeSpan every, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    foreach (var line in await Watcher.RunOnceAsync(ct).ConfigureAwait(false))
                        Console.Error.WriteLine($"ganetid master: watcher: {line}");
                }
                catch (Exception e) when (e is Core.Errors.GanetiException or IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"ganetid master: watcher: {e.Message}");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static void ArchiveOldJobs(MasterContext context)
    {
        try
        {
            context.Queue.AutoArchive(JobArchiveAge);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"ganetid master: archiving old jobs failed: {e.Message}");
        }
    }

    public MasterContext Context { get; }
    public JobScheduler Scheduler { get; }
    public IMasterService Service { get; }

    /// <summary>Loads the state under <paramref name="paths"/> and starts running queued jobs.</summary>
    public static MasterDaemon Start(GanetiPaths paths, Func<Node, INodeTransport> transports,
        Func<string, CancellationToken, Task<string?>>? resolveHost = null, MasterOptions? options = null)
    {
        options ??= new MasterOptions();
        var config = ConfigStore.Load(paths);
        var queue = new JobQueue(paths, interruptedMessage: options.InterruptedJobMessage);
        queue.PrepareLoaded();
        var rpc = new NodeRpcClient(transports);
        var locks = new LockManager();
        var queueReplicator = new JobQueueReplicator(paths, rpc, () => config.Current) { Timeout = options.ReplicationTimeout };
        queue.FileWritten = queueReplicator.Updated;
        queue.FileRenamed = queueReplicator.Renamed;
        var replicator = new ConfigReplicator(paths, rpc, queueReplicator, config.Current) { Timeout = options.ReplicationTimeout };
        config.AfterWrite = replicator.ReplicateAsync;
        var context = new MasterContext
        {
            Paths = paths,
            Config = config,
            Rpc = rpc,
            Locks = locks,
            Queue = queue,
            Query = new QueryEngine(() => config.Current, queue, rpc, locks),
            ResolveHost = resolveHost ?? MasterContext.DefaultResolveAsync,
            Replication = replicator,
            Ssh = options.Ssh,
            NodeCheckTimeout = options.NodeCheckTimeout,
        };
        config.Changed += c => Ssconf.Write(paths, c);
        var scheduler = new JobScheduler(queue, new Processor(context), config.Current.Cluster.MaxRunningJobs);
        config.Changed += c => scheduler.MaxRunningJobs = c.Cluster.MaxRunningJobs;
        var daemon = new MasterDaemon(context, scheduler, options.WatcherInterval);
        scheduler.Kick();
        return daemon;
    }

    public async ValueTask DisposeAsync()
    {
        await archiver.DisposeAsync().ConfigureAwait(false);
        await stopping.CancelAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(false);
        stopping.Dispose();
        await Scheduler.DisposeAsync().ConfigureAwait(false);
        // Whatever the queue still has to tell the candidates, within reason.
        await Context.Replication.Queue.FlushAsync().WaitAsync(TimeSpan.FromSeconds(10))
            .ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        await Context.Rpc.DisposeAsync().ConfigureAwait(false);
    }
}
