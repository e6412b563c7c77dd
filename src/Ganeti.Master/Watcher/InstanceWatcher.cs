using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Paths;
using Ganeti.Master.Util;

namespace Ganeti.Master.Watcher;

/// <summary>
/// The instance part of Ganeti's watcher, run by the master every few minutes: an instance
/// marked up that is not running (ERROR_down) is started again, at most
/// <see cref="MaxRestarts"/> times in a row before the watcher gives up on it until it runs
/// again; an instance whose guest shut itself down (USER_down) is marked down, as its user
/// meant. Nothing is done while the watcher is paused (a time in var/lib/ganeti/watcher.pause)
/// or the job queue is drained. The restart counts survive master restarts in watcher.data.
/// </summary>
public sealed class InstanceWatcher(IMasterService service, GanetiPaths paths, Func<bool> queueDrained)
{
    public const int MaxRestarts = 5;

    public static string PauseFile(GanetiPaths paths) => Path.Combine(paths.DataDir, "watcher.pause");

    public string StateFile => Path.Combine(paths.DataDir, "watcher.data");

    /// <summary>Until when the watcher is paused, or null when it is not (an expired pause is removed).</summary>
    public static DateTimeOffset? PausedUntil(GanetiPaths paths)
    {
        string text;
        try
        {
            text = File.ReadAllText(PauseFile(paths)).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            return null;
        var until = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
        if (until > DateTimeOffset.UtcNow) return until;
        File.Delete(PauseFile(paths));
        return null;
    }

    /// <summary>Pauses the watcher for <paramref name="duration"/> (Ganeti's gnt-cluster watcher pause), or resumes it when null.</summary>
    public static void Pause(GanetiPaths paths, TimeSpan? duration)
    {
        if (duration is null)
        {
            File.Delete(PauseFile(paths));
            return;
        }
        if (duration <= TimeSpan.Zero)
            throw GanetiException.WrongInput($"The pause must be positive, got {duration}");
        var until = DateTimeOffset.UtcNow.Add(duration.Value).ToUnixTimeMilliseconds() / 1000.0;
        AtomicFile.Write(PauseFile(paths), System.Text.Encoding.ASCII.GetBytes(until.ToString(CultureInfo.InvariantCulture) + "\n"));
    }

    /// <summary>One round: what the watcher did, one line each (also the reason it did nothing).</summary>
    public async Task<IReadOnlyList<string>> RunOnceAsync(CancellationToken ct)
    {
        if (PausedUntil(paths) is { } until)
            return [$"Watcher paused until {until:u}"];
        if (queueDrained())
            return ["Job queue drained: no jobs submitted"];

        var result = await service.QueryAsync("instance", ["name", "status"], null, ct).ConfigureAwait(false);
        var state = LoadState();
        var actions = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in result.Data)
        {
            var name = row[0].Value?.GetValue<string>();
            var status = row[1].Value?.GetValue<string>();
            if (name is null || status is null) continue;
            seen.Add(name);
            switch (status)
            {
                case "ERROR_down":
                    var attempts = state.GetValueOrDefault(name);
                    if (attempts >= MaxRestarts)
                    {
                        if (attempts == MaxRestarts)
                        {
                            actions.Add($"Instance {name} is down after {MaxRestarts} restarts: giving up until it runs again");
                            state[name] = attempts + 1;
                        }
                        continue;
                    }
                    state[name] = attempts + 1;
                    var job = await SubmitAsync(new JsonObject { ["OP_ID"] = "OP_INSTANCE_STARTUP", ["instance_name"] = name }, ct).ConfigureAwait(false);
                    actions.Add($"Restarting instance {name} (attempt {attempts + 1} of {MaxRestarts}): job {job}");
                    break;
                case "USER_down":
                    var stop = await SubmitAsync(new JsonObject { ["OP_ID"] = "OP_INSTANCE_SHUTDOWN", ["instance_name"] = name }, ct).ConfigureAwait(false);
                    actions.Add($"Instance {name} was shut down by its user: marking it down (job {stop})");
                    state.Remove(name);
                    break;
                case "running" or "ADMIN_down" or "ADMIN_offline":
                    state.Remove(name);
                    break;
            }
        }
        foreach (var gone in state.Keys.Where(k => !seen.Contains(k)).ToList())
            state.Remove(gone);
        SaveState(state);
        return actions;
    }

    private Task<long> SubmitAsync(JsonObject op, CancellationToken ct)
    {
        op["comment"] = "watcher";
        return service.SubmitJobAsync([op], ct);
    }

    private Dictionary<string, int> LoadState()
    {
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(StateFile)) ?? [];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return [];
        }
    }

    private void SaveState(Dictionary<string, int> state) =>
        AtomicFile.Write(StateFile, JsonSerializer.SerializeToUtf8Bytes(state));
}
