using Ganeti.Core.Paths;
using Ganeti.Master.Config;
using Ganeti.Master.Jobs;
using Ganeti.Master.Locking;
using Ganeti.Master.Query;
using Ganeti.Master.Replication;
using Ganeti.Master.Rpc;

namespace Ganeti.Master.LogicalUnits;

/// <summary>The master's services a logical unit works with.</summary>
public sealed class MasterContext
{
    public required GanetiPaths Paths { get; init; }
    public required ConfigStore Config { get; init; }
    public required NodeRpcClient Rpc { get; init; }
    public required LockManager Locks { get; init; }
    public required JobQueue Queue { get; init; }
    public required QueryEngine Query { get; init; }
    public required ConfigReplicator Replication { get; init; }

    /// <summary>
    /// Submits jobs a logical unit asked for (Ganeti's ResultWithJobs): one [true, job id] or
    /// [false, error message] per job. Set by the master once its scheduler exists.
    /// </summary>
    public Func<IReadOnlyList<IReadOnlyList<System.Text.Json.Nodes.JsonObject>>, Task<System.Text.Json.Nodes.JsonArray>>? SubmitJobs { get; set; }

    /// <summary>SSH access to nodes (host keys); null where nodes are reached otherwise (embedded, tests).</summary>
    public NodeSsh? Ssh { get; init; }

    /// <summary>How long node add and node online wait for a node's answer to their checks.</summary>
    public TimeSpan NodeCheckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Resolves host names for name and IP checks; replaceable in tests.</summary>
    public Func<string, CancellationToken, Task<string?>> ResolveHost { get; init; } = DefaultResolveAsync;

    public static async Task<string?> DefaultResolveAsync(string name, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var addresses = await System.Net.Dns.GetHostAddressesAsync(name, cts.Token).ConfigureAwait(false);
            return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)?.ToString()
                   ?? addresses.FirstOrDefault()?.ToString();
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException or ArgumentException)
        {
            return null;
        }
    }
}
