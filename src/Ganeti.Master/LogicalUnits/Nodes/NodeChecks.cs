using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Ganeti.Core;
using Ganeti.Core.Config;
using Ganeti.Core.Errors;
using Ganeti.Remoting.NodeRpc;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.Master.LogicalUnits.Nodes;

/// <summary>What node add (and bringing a node back online) asks of a node before it counts as ours.</summary>
public static class NodeChecks
{
    /// <summary>Ganeti's NODE_MAX_CLOCK_SKEW: clocks further apart than this break leases and certificates.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(150);

    public static string CheckAddress(string? ip, string what)
    {
        if (ip is null || !IPAddress.TryParse(ip, out var parsed))
            throw GanetiException.WrongInput($"Invalid {what} IP address '{ip}'");
        return parsed.ToString();
    }

    /// <summary>
    /// The node answers, runs our version and calls itself by the name we know it by (a node
    /// that is not ours, or another node at that address, is refused).
    /// </summary>
    public static async Task CheckVersionAsync(MasterContext master, Core.Config.Node node, CancellationToken ct)
    {
        JsonNode? version;
        try
        {
            version = await master.Rpc.CallAsync(node, NodeProcedures.Version, null, ct, master.NodeCheckTimeout).ConfigureAwait(false);
        }
        catch (GanetiException e)
        {
            throw GanetiException.Prereq($"Cannot contact node {node.Name} ({node.PrimaryIp}): {e.Message}", ErrorCodes.Environment);
        }
        var theirs = version?["version"]?.ToString();
        if (theirs != ProjectInfo.Version)
            throw GanetiException.Prereq(
                $"Node {node.Name} runs version {theirs ?? "(unknown)"}, the master runs {ProjectInfo.Version}: install the same version first",
                ErrorCodes.Environment);
        var name = version?["node"]?.ToString();
        if (!string.Equals(name, node.Name, StringComparison.OrdinalIgnoreCase))
            throw GanetiException.Prereq(
                $"The node at {node.PrimaryIp} calls itself '{name}', not '{node.Name}': it is not the node asked for", ErrorCodes.Environment);
    }

    /// <summary>The cluster's enabled hypervisors are available on the node and its clock agrees with ours.</summary>
    public static async Task CheckHypervisorsAndClockAsync(MasterContext master, ConfigData cfg, Core.Config.Node node, CancellationToken ct)
    {
        NodeInfoResult info;
        try
        {
            info = await master.Rpc.CallAsync<NodeInfoResult>(node, NodeProcedures.NodeInfo,
                new JsonObject { ["hypervisors"] = new JsonArray(cfg.Cluster.EnabledHypervisors.Select(h => (JsonNode?)h).ToArray()) },
                ct, master.NodeCheckTimeout).ConfigureAwait(false);
        }
        catch (GanetiException e)
        {
            throw GanetiException.Prereq($"Cannot get the node information of {node.Name}: {e.Message}", ErrorCodes.Environment);
        }
        var missing = cfg.Cluster.EnabledHypervisors.Where(h => !info.Hypervisors.ContainsKey(h)).ToList();
        if (missing.Count > 0)
            throw GanetiException.Prereq(
                $"Hypervisor(s) enabled in the cluster are not available on node {node.Name}: {string.Join(", ", missing)}",
                ErrorCodes.Environment);
        if (info.Time is { } theirs)
        {
            var ours = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
            var skew = TimeSpan.FromSeconds(Math.Abs(ours - theirs));
            if (skew > MaxClockSkew)
                throw GanetiException.Prereq(
                    $"The clock of node {node.Name} is {skew.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s off the master's " +
                    $"(at most {MaxClockSkew.TotalSeconds:0} s allowed): synchronise the clocks (NTP) first", ErrorCodes.Environment);
        }
    }

    /// <summary>
    /// The storage of every enabled disk template that has one (file and sharedfile directories,
    /// the volume group of plain and drbd) can hold disks on the node: refused with the node's
    /// reason when not, otherwise one line per unit with its free and total space.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CheckStorageAsync(MasterContext master, ConfigData cfg, Core.Config.Node node, CancellationToken ct)
    {
        var c = cfg.Cluster;
        var units = new List<(string Template, string Type, string Key)>();
        foreach (var t in c.EnabledDiskTemplates)
        {
            if (t == "file" && c.FileStorageDir.Length > 0) units.Add((t, "file", c.FileStorageDir));
            else if (t == "sharedfile" && c.SharedFileStorageDir.Length > 0) units.Add((t, "sharedfile", c.SharedFileStorageDir));
            else if (t is "plain" or "drbd" && c.VolumeGroupName.Length > 0 && !units.Any(u => u.Type == "lvm-vg"))
                units.Add((t, "lvm-vg", c.VolumeGroupName));
        }
        var lines = new List<string>();
        foreach (var (template, type, key) in units)
        {
            NodeInfoResult info;
            try
            {
                info = await master.Rpc.CallAsync<NodeInfoResult>(node, NodeProcedures.NodeInfo, new JsonObject
                {
                    ["hypervisors"] = new JsonArray(),
                    ["storage_units"] = new JsonArray(new JsonObject { ["type"] = type, ["key"] = key }),
                    ["check_storage"] = true,
                }, ct, master.NodeCheckTimeout).ConfigureAwait(false);
            }
            catch (GanetiException e)
            {
                throw GanetiException.Prereq($"Cannot get the storage information of {node.Name}: {e.Message}", ErrorCodes.Environment);
            }
            if (info.StorageError is { } error)
                throw GanetiException.Prereq(
                    $"Node {node.Name} cannot hold {template} disks ({type} {key}): {error}; fix it on the node or disable the {template} template first",
                    ErrorCodes.Environment);
            lines.Add($"Node {node.Name}: {type} {key}: {info.StorageFree?.ToString(CultureInfo.InvariantCulture) ?? "?"} MiB free " +
                      $"of {info.StorageTotal?.ToString(CultureInfo.InvariantCulture) ?? "?"} MiB");
        }
        return lines;
    }
}
