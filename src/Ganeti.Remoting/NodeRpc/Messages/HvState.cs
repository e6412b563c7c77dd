using System.Text.Json.Serialization;

namespace Ganeti.Remoting.NodeRpc.Messages;

/// <summary>What the hypervisor says an instance is doing.</summary>
public static class HvState
{
    public const string Running = "running";
    public const string Paused = "paused";
    /// <summary>The guest shut itself down (Ganeti's USER_down).</summary>
    public const string Shutdown = "shutdown";
    public const string Crashed = "crashed";
}

/// <summary>Live facts about one running instance.</summary>
public sealed record HvInstanceInfo
{
    public required string Name { get; init; }
    public string State { get; init; } = HvState.Running;
    [JsonPropertyName("memory")]
    public long MemoryMiB { get; init; }
    public int Vcpus { get; init; }
    public double UptimeSeconds { get; init; }
    public int? Pid { get; init; }
}

/// <summary>Node-wide facts a hypervisor reports (memory in MiB).</summary>
public sealed record HvNodeInfo
{
    public long MemoryTotal { get; init; }
    public long MemoryFree { get; init; }
    public long MemoryDom0 { get; init; }
    public long MemoryHv { get; init; }
    public int CpuTotal { get; init; }
    public int CpuNodes { get; init; } = 1;
    public int CpuSockets { get; init; } = 1;
    public int CpuDom0 { get; init; }

    /// <summary>
    /// The hypervisor's version on this node (Ganeti's hv_version), e.g. qemu's "7.2.22"; null
    /// when the hypervisor has none to report. Migration compares source and target.
    /// </summary>
    public string? Version { get; init; }
}

/// <summary>How to reach an instance's console (Ganeti's console kinds: ssh, vnc, spice, msg).</summary>
public sealed record HvConsole
{
    public required string Kind { get; init; }
    public required string Instance { get; init; }
    public string? Host { get; init; }
    public int? Port { get; init; }
    public string? User { get; init; }
    public IReadOnlyList<string>? Command { get; init; }
    public int? Display { get; init; }
    public string? Message { get; init; }
}

/// <summary>Progress of a live migration.</summary>
public sealed record HvMigrationStatus
{
    /// <summary>active, completed, failed, cancelled, setup.</summary>
    public required string Status { get; init; }
    public long TransferredRam { get; init; }
    public long TotalRam { get; init; }
    public long? DowntimeMs { get; init; }
    public string? Error { get; init; }
}
