using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Core.Json;
using Ganeti.Core.Paths;
using Ganeti.Master.Util;

namespace Ganeti.Master.Config;

/// <summary>
/// The cluster configuration (config.data) with one writer. Readers get the current snapshot,
/// which is never modified; a writer works on a copy, bumps serial_no, writes it atomically and
/// durably, and only then publishes it. Replication hooks run before an update returns.
/// </summary>
public sealed class ConfigStore
{
    private readonly string path;
    private readonly SemaphoreSlim writer = new(1, 1);
    private volatile ConfigData current;
    // What current was read from or written as: a writer's private copy is parsed from these bytes
    // instead of serializing the snapshot again (the snapshot is never modified, so they agree).
    private byte[] currentBytes;

    private ConfigStore(string path, ConfigData data, byte[] bytes)
    {
        this.path = path;
        current = data;
        currentBytes = bytes;
    }

    /// <summary>Called after each write with the new snapshot, before the update returns (replication).</summary>
    public Func<ConfigData, CancellationToken, Task>? AfterWrite { get; set; }

    /// <summary>Raised after a new snapshot is published.</summary>
    public event Action<ConfigData>? Changed;

    /// <summary>The current configuration. Treat it as read-only.</summary>
    public ConfigData Current => current;

    public static ConfigStore Load(GanetiPaths paths) => Load(paths.ConfigData);

    public static ConfigStore Load(string path)
    {
        if (!File.Exists(path))
            throw new GanetiException("ConfigurationError", $"No cluster configuration at {path}: is this node initialised (ganetid init)?");
        ConfigData data;
        var bytes = File.ReadAllBytes(path);
        try
        {
            data = GanetiJson.Deserialize<ConfigData>(bytes);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new GanetiException("ConfigurationError", $"Cannot parse {path}: {e.Message}");
        }
        return new ConfigStore(path, data, bytes);
    }

    /// <summary>Writes a brand-new configuration (cluster init).</summary>
    public static ConfigStore Create(string path, ConfigData data)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = GanetiJson.SerializeToUtf8(data, indented: true);
        AtomicFile.Write(path, bytes);
        return new ConfigStore(path, data, bytes);
    }

    /// <summary>
    /// Applies a change: <paramref name="mutate"/> gets a private copy to modify (and may throw to
    /// abandon the change). The result is written durably and published.
    /// </summary>
    public async Task<T> UpdateAsync<T>(Func<ConfigData, T> mutate, CancellationToken cancellationToken = default)
    {
        await writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var copy = GanetiJson.Deserialize<ConfigData>(currentBytes);
            var result = mutate(copy);
            var now = Now();
            copy.SerialNo = current.SerialNo + 1;
            copy.Mtime = now;
            var bytes = GanetiJson.SerializeToUtf8(copy, indented: false);
            AtomicFile.Write(path, bytes);
            current = copy;
            currentBytes = bytes;
            if (AfterWrite is { } replicate)
                await replicate(copy, cancellationToken).ConfigureAwait(false);
            Changed?.Invoke(copy);
            return result;
        }
        finally
        {
            writer.Release();
        }
    }

    public Task UpdateAsync(Action<ConfigData> mutate, CancellationToken cancellationToken = default) =>
        UpdateAsync<bool>(c => { mutate(c); return true; }, cancellationToken);

    public static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
