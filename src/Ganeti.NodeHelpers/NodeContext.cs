using Ganeti.Core.Errors;
using Ganeti.Core.Paths;
using Ganeti.NodeHelpers.Hypervisors;

namespace Ganeti.NodeHelpers;

/// <summary>What a node's procedures share: its name, its state tree and its hypervisors.</summary>
public sealed class NodeContext
{
    public NodeContext(string nodeName, GanetiPaths paths, IEnumerable<IHypervisor> hypervisors)
    {
        NodeName = nodeName;
        Paths = paths;
        Hypervisors = hypervisors.ToDictionary(h => h.Name, StringComparer.Ordinal);
    }

    public string NodeName { get; }
    public GanetiPaths Paths { get; }
    public IReadOnlyDictionary<string, IHypervisor> Hypervisors { get; }

    /// <summary>The OS search path this node uses; set from the cluster's configuration.</summary>
    public IReadOnlyList<string> OsSearchPath { get; set; } = GanetiPaths.DefaultOsSearchPath;

    /// <summary>Directories file-based disks may live in (Ganeti's file-storage-paths rule).</summary>
    public IReadOnlyList<string> AllowedFileStoragePaths { get; set; } = [];

    /// <summary>
    /// Runs the storage tools (lvm2, drbd-utils, rbd). Tests of clusters without device-mapper
    /// or DRBD put a recording layer here, which records what would run and answers for the tools.
    /// </summary>
    public Processes.ICommandRunner StorageCommands { get; init; } = Processes.ProcessCommandRunner.Instance;

    /// <summary>Reads /proc/drbd; replaced together with <see cref="StorageCommands"/> where DRBD is not loaded.</summary>
    public Func<CancellationToken, Task<string>>? ReadProcDrbd { get; init; }

    public IHypervisor Hypervisor(string name) =>
        Hypervisors.TryGetValue(name, out var hv)
            ? hv
            : throw GanetiException.Prereq($"Hypervisor '{name}' is not available on node {NodeName}", ErrorCodes.Environment);
}
