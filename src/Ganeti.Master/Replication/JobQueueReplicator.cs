using System.Text.Json.Nodes;
using Ganeti.Core.Config;
using Ganeti.Core.Paths;
using Ganeti.Master.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Master.Replication;

/// <summary>
/// Copies the job queue to the master candidates (Ganeti's jobqueue_update and jobqueue_rename),
/// so that a candidate taking over finds every job. Changes are pushed in the order they were
/// made, several updates of one file collapsing into the newest. A candidate that misses a push
/// is "behind": it is skipped until the next configuration write copies the whole queue to it.
/// </summary>
public sealed class JobQueueReplicator(GanetiPaths paths, NodeRpcClient rpc, Func<ConfigData> config)
{
    private readonly object sync = new();
    private readonly List<Change> pending = [];
    private readonly HashSet<string> behind = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim pushing = new(1, 1);
    private Task pump = Task.CompletedTask;
    private bool running;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    private sealed record Change(string Name, byte[]? Content, string? NewName);

    /// <summary>A queue file (name relative to the queue directory) was written.</summary>
    public void Updated(string name, byte[] content)
    {
        lock (sync)
        {
            var i = pending.FindLastIndex(c => c.Name == name);
            if (i >= 0 && pending[i].Content is not null && pending.Skip(i + 1).All(c => c.Name != name && c.NewName != name))
                pending[i] = pending[i] with { Content = content };
            else
                pending.Add(new Change(name, content, null));
            Start();
        }
    }

    /// <summary>A queue file was renamed (archived).</summary>
    public void Renamed(string from, string to)
    {
        lock (sync)
        {
            pending.Add(new Change(from, null, to));
            Start();
        }
    }

    private void Start()
    {
        if (running) return;
        running = true;
        // The pump outlives whichever job's write started it: it must not log into that job.
        using (ExecutionContext.SuppressFlow())
            pump = Task.Run(PumpAsync);
    }

    /// <summary>Completes when every change made before the call was pushed (or its node marked behind).</summary>
    public Task FlushAsync()
    {
        lock (sync) return pump;
    }

    /// <summary>Candidates that miss changes; they get the whole queue on the next configuration write.</summary>
    public IReadOnlyCollection<string> Behind
    {
        get { lock (sync) return behind.ToList(); }
    }

    public void MarkBehind(string nodeUuid)
    {
        lock (sync) behind.Add(nodeUuid);
    }

    public void Forget(string nodeUuid)
    {
        lock (sync) behind.Remove(nodeUuid);
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            List<Change> batch;
            lock (sync)
            {
                if (pending.Count == 0)
                {
                    running = false;
                    return;
                }
                batch = [.. pending];
                pending.Clear();
            }
            await pushing.WaitAsync().ConfigureAwait(false);
            try
            {
                var targets = Targets(config());
                if (targets.Count > 0)
                    foreach (var change in batch)
                        await PushAsync(targets, change).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                ReplicationFeedback.Warn($"Job queue replication failed: {e.Message}");
            }
            finally
            {
                pushing.Release();
            }
        }
    }

    private List<Node> Targets(ConfigData cfg)
    {
        lock (sync)
            return cfg.Nodes.Values.Where(n => n.MasterCandidate && !n.Offline && n.Uuid != cfg.Cluster.MasterNode && !behind.Contains(n.Uuid)).ToList();
    }

    private async Task PushAsync(List<Node> targets, Change change)
    {
        var (procedure, args) = change.Content is { } content
            ? (NodeProcedures.JobQueueUpdate, new JsonObject { ["file_name"] = change.Name, ["content"] = Convert.ToBase64String(content) })
            : (NodeProcedures.JobQueueRename, new JsonObject { ["renames"] = new JsonArray(new JsonArray(change.Name, change.NewName)) });
        var answers = await rpc.CallManyAsync(targets, procedure, args, CancellationToken.None, Timeout).ConfigureAwait(false);
        foreach (var node in targets.ToList())
        {
            if (answers[node.Uuid].Ok) continue;
            MarkBehind(node.Uuid);
            targets.Remove(node);
            ReplicationFeedback.Warn($"Could not copy the job queue to master candidate {node.Name}: " +
                                     $"{answers[node.Uuid].Error?.Message}; it gets the whole queue on the next configuration change");
        }
    }

    /// <summary>Copies the whole queue (serial and every job not archived) to candidates that are behind.</summary>
    public async Task<IReadOnlyList<(string Uuid, string Message)>> CatchUpAsync(IEnumerable<Node> candidates)
    {
        var failures = new List<(string Uuid, string Message)>();
        List<Node> due;
        lock (sync) due = candidates.Where(n => behind.Contains(n.Uuid)).ToList();
        if (due.Count == 0) return failures;
        await pushing.WaitAsync().ConfigureAwait(false);
        try
        {
            var files = new List<string>();
            if (File.Exists(paths.QueueSerial)) files.Add(paths.QueueSerial);
            files.AddRange(Directory.EnumerateFiles(paths.QueueDir, "job-*").Where(f => ClusterFiles.IsQueueFile(Path.GetFileName(f))));
            foreach (var node in due)
            {
                try
                {
                    foreach (var file in files)
                    {
                        byte[] content;
                        try { content = await File.ReadAllBytesAsync(file).ConfigureAwait(false); }
                        catch (FileNotFoundException) { continue; } // archived meanwhile
                        await rpc.CallAsync(node, NodeProcedures.JobQueueUpdate,
                            new JsonObject { ["file_name"] = Path.GetFileName(file), ["content"] = Convert.ToBase64String(content) },
                            CancellationToken.None, Timeout).ConfigureAwait(false);
                    }
                    Forget(node.Uuid);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add((node.Uuid, $"Could not copy the job queue to master candidate {node.Name}: {e.Message}"));
                }
            }
        }
        finally
        {
            pushing.Release();
        }
        return failures;
    }
}
