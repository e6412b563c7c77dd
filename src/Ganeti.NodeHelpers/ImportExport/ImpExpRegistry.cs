using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.ImportExport;

/// <summary>
/// Disk transfers running in the background on this node, as Ganeti's import/export daemons:
/// started by one RPC, polled by impexp_status, stopped by impexp_abort, forgotten by
/// impexp_cleanup.
/// </summary>
public sealed class ImpExpRegistry
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private int next;

    /// <summary>What impexp_status reports about one transfer.</summary>
    public sealed record Status(string Name, bool Done, bool Success, long Bytes, long? TotalBytes,
        [property: JsonPropertyName("mib_per_second")] double MiBPerSecond, string? Checksum, string? Error, int? ListenPort);

    private sealed class Entry(string name, int? port, CancellationTokenSource cts)
    {
        public string Name { get; } = name;
        public int? Port { get; } = port;
        public CancellationTokenSource Cancel { get; } = cts;
        public TransferProgress Progress { get; set; } = new(0, null, TimeSpan.Zero);
        public TransferResult? Result { get; set; }
        public string? Error { get; set; }
        public bool Done { get; set; }
    }

    private sealed class Reporter(Entry entry) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => entry.Progress = value;
    }

    /// <summary>Starts work in the background and returns its name (import-N or export-N).</summary>
    public string Start(string kind, int? listenPort, Func<IProgress<TransferProgress>, CancellationToken, Task<TransferResult?>> work)
    {
        var name = $"{kind}-{Interlocked.Increment(ref next)}";
        var entry = new Entry(name, listenPort, new CancellationTokenSource());
        entries[name] = entry;
        _ = Task.Run(async () =>
        {
            try
            {
                entry.Result = await work(new Reporter(entry), entry.Cancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                entry.Error = "aborted";
            }
            catch (Exception e)
            {
                entry.Error = e.Message;
            }
            finally
            {
                entry.Done = true;
            }
        });
        return name;
    }

    public Status Get(string name)
    {
        var e = entries.TryGetValue(name, out var x) ? x : throw GanetiException.NotFound("Import/export", name);
        var bytes = e.Result?.Bytes ?? e.Progress.Bytes;
        return new Status(e.Name, e.Done, e.Done && e.Error is null, bytes, e.Progress.TotalBytes,
            e.Result?.MiBPerSecond ?? e.Progress.MiBPerSecond, e.Result?.Checksum, e.Error, e.Port);
    }

    public void Abort(string name)
    {
        if (entries.TryGetValue(name, out var e))
            e.Cancel.Cancel();
    }

    public void Cleanup(string name)
    {
        if (entries.TryRemove(name, out var e))
        {
            e.Cancel.Cancel();
            e.Cancel.Dispose();
        }
    }
}
