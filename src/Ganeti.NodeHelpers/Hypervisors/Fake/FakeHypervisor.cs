using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Paths;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Hypervisors.Fake;

/// <summary>
/// Ganeti's fake hypervisor: an instance "runs" while its state file exists under
/// var/run/ganeti/fake-hypervisor. Nothing is executed, so whole clusters can be exercised on
/// one machine; it can migrate, as in Ganeti.
/// </summary>
public sealed class FakeHypervisor(GanetiPaths paths, Func<HvNodeInfo>? nodeInfo = null) : IHypervisor
{
    public const string HypervisorName = "fake";

    private static readonly IReadOnlyDictionary<string, JsonElement> Defaults = new Dictionary<string, JsonElement>
    {
        ["migration_mode"] = HypervisorParams.Value("live"),
    };

    private string Dir => paths.FakeHypervisorDir;

    public string Name => HypervisorName;
    public bool CanMigrate => true;
    public IReadOnlyDictionary<string, JsonElement> DefaultParameters => Defaults;

    public void CheckParameters(IReadOnlyDictionary<string, JsonElement> hvparams)
    {
        HypervisorParams.RejectUnknown(Name, hvparams, Defaults);
        if (hvparams.TryGetValue("migration_mode", out var mode) &&
            (mode.ValueKind != JsonValueKind.String || mode.GetString() is not ("live" or "non-live")))
            throw GanetiException.WrongInput($"Hypervisor parameter migration_mode must be 'live' or 'non-live', got {mode}");
    }

    public Task ValidateParametersAsync(IReadOnlyDictionary<string, JsonElement> hvparams, CancellationToken cancellationToken)
    {
        CheckParameters(hvparams);
        return Task.CompletedTask;
    }

    private string StateFile(string name)
    {
        if (name.Contains('/') || name is "." or "..")
            throw GanetiException.WrongInput($"Invalid instance name '{name}'");
        return Path.Combine(Dir, name);
    }

    public async Task StartAsync(InstanceSpec instance, bool paused, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Dir);
        var file = StateFile(instance.Name);
        if (File.Exists(file))
            throw GanetiException.Exec($"Instance {instance.Name} is already running on the fake hypervisor");
        var state = new FakeState(instance.MaxMemory, instance.Vcpus, paused ? HvState.Paused : HvState.Running,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        await WriteStateAsync(file, state, cancellationToken);
    }

    public Task StopAsync(InstanceSpec instance, bool force, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var file = StateFile(instance.Name);
        if (!File.Exists(file))
            throw GanetiException.Exec($"Instance {instance.Name} is not running on the fake hypervisor");
        File.Delete(file);
        return Task.CompletedTask;
    }

    public Task RebootAsync(InstanceSpec instance, CancellationToken cancellationToken)
    {
        if (!File.Exists(StateFile(instance.Name)))
            throw GanetiException.Exec($"Instance {instance.Name} is not running on the fake hypervisor");
        return Task.CompletedTask;
    }

    public Task CleanupAsync(string instanceName, CancellationToken cancellationToken)
    {
        File.Delete(StateFile(instanceName));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListInstancesAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> names = Directory.Exists(Dir)
            ? Directory.GetFiles(Dir).Select(Path.GetFileName).Where(n => n is not null && !n.StartsWith('.')).Select(n => n!).Order(StringComparer.Ordinal).ToList()
            : [];
        return Task.FromResult(names);
    }

    public async Task<HvInstanceInfo?> GetInstanceInfoAsync(string instanceName, CancellationToken cancellationToken)
    {
        var file = StateFile(instanceName);
        FakeState? state;
        try
        {
            state = JsonSerializer.Deserialize<FakeState>(await File.ReadAllBytesAsync(file, cancellationToken));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            // A file from another writer (or Ganeti's plain format) still means "running".
            state = new FakeState(0, 1, HvState.Running, File.GetCreationTimeUtc(file).Subtract(DateTime.UnixEpoch).TotalSeconds);
        }
        if (state is null) return null;
        return new HvInstanceInfo
        {
            Name = instanceName,
            State = state.State,
            MemoryMiB = state.Memory,
            Vcpus = state.Vcpus,
            UptimeSeconds = Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - state.Started),
        };
    }

    public async Task<HvNodeInfo> GetNodeInfoAsync(IReadOnlyDictionary<string, JsonElement>? hvparams, CancellationToken cancellationToken)
    {
        var baseInfo = nodeInfo?.Invoke() ?? HostFacts.Read();
        long used = 0;
        foreach (var i in await ((IHypervisor)this).GetAllInstancesInfoAsync(cancellationToken))
            used += i.MemoryMiB;
        return baseInfo with { MemoryFree = Math.Max(0, baseInfo.MemoryFree - used), MemoryHv = used };
    }

    public HvConsole GetConsole(InstanceSpec instance, string primaryNodeAddress) =>
        new() { Kind = "msg", Instance = instance.Name, Message = "The fake hypervisor has no console" };

    public Task<JsonNode?> MigrationInfoAsync(InstanceSpec instance, CancellationToken cancellationToken) =>
        Task.FromResult<JsonNode?>(null);

    public async Task AcceptInstanceAsync(InstanceSpec instance, JsonNode? migrationInfo, string targetAddress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Dir);
        await WriteStateAsync(StateFile(instance.Name),
            new FakeState(instance.MaxMemory, instance.Vcpus, HvState.Paused, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0),
            cancellationToken);
    }

    public Task<bool> MigrateAsync(InstanceSpec instance, string targetAddress, bool live, CancellationToken cancellationToken)
    {
        if (!File.Exists(StateFile(instance.Name)))
            throw GanetiException.Exec($"Instance {instance.Name} is not running on the fake hypervisor");
        return Task.FromResult(live);
    }

    public Task<HvMigrationStatus> GetMigrationStatusAsync(InstanceSpec instance, CancellationToken cancellationToken) =>
        Task.FromResult(new HvMigrationStatus { Status = "completed" });

    public async Task FinalizeMigrationDstAsync(InstanceSpec instance, JsonNode? migrationInfo, bool success, CancellationToken cancellationToken)
    {
        var file = StateFile(instance.Name);
        if (!success)
        {
            File.Delete(file);
            return;
        }
        if (await GetInstanceInfoAsync(instance.Name, cancellationToken) is { } info)
            await WriteStateAsync(file, new FakeState(info.MemoryMiB, info.Vcpus, HvState.Running,
                DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0), cancellationToken);
    }

    public Task FinalizeMigrationSourceAsync(InstanceSpec instance, bool success, bool live, CancellationToken cancellationToken)
    {
        if (success)
            File.Delete(StateFile(instance.Name));
        return Task.CompletedTask;
    }

    public Task AbortMigrationAsync(InstanceSpec instance, CancellationToken cancellationToken)
    {
        if (!File.Exists(StateFile(instance.Name)))
            throw GanetiException.Exec($"Instance {instance.Name} is not running on the fake hypervisor");
        return Task.CompletedTask;
    }

    public async Task BalloonMemoryAsync(InstanceSpec instance, long memoryMiB, CancellationToken cancellationToken)
    {
        var info = await GetInstanceInfoAsync(instance.Name, cancellationToken)
            ?? throw GanetiException.Exec($"Instance {instance.Name} is not running on the fake hypervisor");
        await WriteStateAsync(StateFile(instance.Name), new FakeState(memoryMiB, info.Vcpus, info.State,
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0 - info.UptimeSeconds), cancellationToken);
    }

    public Task ResizeDiskAsync(InstanceSpec instance, DiskSpec disk, long newSizeMiB, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    private static async Task WriteStateAsync(string file, FakeState state, CancellationToken cancellationToken)
    {
        var tmp = file + ".tmp";
        await File.WriteAllBytesAsync(tmp, JsonSerializer.SerializeToUtf8Bytes(state), cancellationToken);
        File.Move(tmp, file, overwrite: true);
    }

    private sealed record FakeState(long Memory, int Vcpus, string State, double Started);
}
