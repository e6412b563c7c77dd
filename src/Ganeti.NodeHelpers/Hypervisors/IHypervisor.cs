using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Hypervisors;

/// <summary>
/// One interface for every hypervisor (fake, kvm, later lxc and xen), as Ganeti's
/// BaseHypervisor. Methods that cannot apply throw a GanetiException naming the hypervisor.
/// </summary>
public interface IHypervisor
{
    /// <summary>Ganeti's name: fake, kvm, lxc, xen-pvm, xen-hvm, chroot.</summary>
    string Name { get; }

    bool CanMigrate { get; }

    /// <summary>The hypervisor's parameters with Ganeti's defaults.</summary>
    IReadOnlyDictionary<string, JsonElement> DefaultParameters { get; }

    /// <summary>Syntax check of hvparams (master side, no I/O): unknown keys, types, ranges.</summary>
    void CheckParameters(IReadOnlyDictionary<string, JsonElement> hvparams);

    /// <summary>Node-side check: paths exist, binaries run, ports free.</summary>
    Task ValidateParametersAsync(IReadOnlyDictionary<string, JsonElement> hvparams, CancellationToken cancellationToken);

    /// <summary>Starts the instance with its assembled disks; paused leaves the guest stopped before its first instruction.</summary>
    Task StartAsync(InstanceSpec instance, bool paused, CancellationToken cancellationToken);

    /// <summary>Soft stop (ACPI) waiting up to timeout, then hard; force goes hard at once.</summary>
    Task StopAsync(InstanceSpec instance, bool force, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Soft reboot inside the guest.</summary>
    Task RebootAsync(InstanceSpec instance, CancellationToken cancellationToken);

    /// <summary>Removes leftovers of a stopped instance (runtime files, sockets).</summary>
    Task CleanupAsync(string instanceName, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> ListInstancesAsync(CancellationToken cancellationToken);

    Task<HvInstanceInfo?> GetInstanceInfoAsync(string instanceName, CancellationToken cancellationToken);

    /// <summary>Live facts of every instance the hypervisor runs (by default: list, then ask each).</summary>
    async Task<IReadOnlyList<HvInstanceInfo>> GetAllInstancesInfoAsync(CancellationToken cancellationToken)
    {
        var result = new List<HvInstanceInfo>();
        foreach (var name in await ListInstancesAsync(cancellationToken).ConfigureAwait(false))
            if (await GetInstanceInfoAsync(name, cancellationToken).ConfigureAwait(false) is { } info)
                result.Add(info);
        return result;
    }

    /// <summary>
    /// Memory, CPUs and version of the hypervisor on this node. The cluster's hvparams for this
    /// hypervisor, when given, say which binary to ask for its version (kvm_path).
    /// </summary>
    Task<HvNodeInfo> GetNodeInfoAsync(IReadOnlyDictionary<string, JsonElement>? hvparams, CancellationToken cancellationToken);

    HvConsole GetConsole(InstanceSpec instance, string primaryNodeAddress);

    // Migration, in Ganeti's order: info on the source, accept on the target, migrate on the
    // source, poll status, finalize on both sides (with success or failure).
    Task<JsonNode?> MigrationInfoAsync(InstanceSpec instance, CancellationToken cancellationToken);

    Task AcceptInstanceAsync(InstanceSpec instance, JsonNode? migrationInfo, string targetAddress, CancellationToken cancellationToken);

    /// <summary>
    /// Starts sending the instance to the target; returns whether the guest keeps running during
    /// the copy, which can be false although live was asked when a live copy would not be faithful.
    /// </summary>
    Task<bool> MigrateAsync(InstanceSpec instance, string targetAddress, bool live, CancellationToken cancellationToken);

    Task<HvMigrationStatus> GetMigrationStatusAsync(InstanceSpec instance, CancellationToken cancellationToken);

    Task FinalizeMigrationDstAsync(InstanceSpec instance, JsonNode? migrationInfo, bool success, CancellationToken cancellationToken);

    Task FinalizeMigrationSourceAsync(InstanceSpec instance, bool success, bool live, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels a migration in progress on the source; the guest keeps running there. The caller
    /// then finalizes both sides with success=false, as after a failed migration.
    /// </summary>
    Task AbortMigrationAsync(InstanceSpec instance, CancellationToken cancellationToken);

    Task BalloonMemoryAsync(InstanceSpec instance, long memoryMiB, CancellationToken cancellationToken);

    Task ResizeDiskAsync(InstanceSpec instance, DiskSpec disk, long newSizeMiB, CancellationToken cancellationToken);
}
