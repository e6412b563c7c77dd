using System.Text;
using Ganeti.Core.Errors;
using Ganeti.Core.Paths;

namespace Ganeti.NodeHelpers.Setup;

/// <summary>What the master sends a node joining its cluster (prepare-node-join).</summary>
public sealed record NodeJoinRequest
{
    public required string ClusterName { get; init; }

    /// <summary>The cluster's public SSH key, "TYPE BASE64 [COMMENT]".</summary>
    public required string ClusterKey { get; init; }
}

/// <summary>
/// A node joining a cluster (Ganeti's prepare-node-join, run on the node through the
/// administrator's SSH access): it refuses if it already belongs to another cluster, then lets
/// the cluster key run the node command and nothing else (authorized_keys `restrict,command=`),
/// replacing whatever entry that key had.
/// </summary>
public static class NodeJoin
{
    private static readonly string[] KeyTypes =
        ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"];

    /// <summary>The authorized_keys line: the node command forced, no tty, no forwarding.</summary>
    public static string AuthorizedKeyLine(NodeJoinRequest request, IReadOnlyList<string> nodeCommand)
    {
        var (type, blob) = ParseKey(request.ClusterKey);
        foreach (var word in nodeCommand)
            if (word.Length == 0 || word.Any(c => c is '"' or '\\' or '\n' or '\r' or '\0'))
                throw GanetiException.WrongInput($"The node command word '{word}' cannot be put in authorized_keys");
        // sshd runs the forced command with the user's shell: every word single-quoted, so nothing is interpreted.
        var command = "exec " + string.Join(' ', nodeCommand.Select(w => "'" + w.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        return $"restrict,command=\"{command}\" {type} {blob} ganeti-cluster-key:{request.ClusterName}";
    }

    private static (string Type, string Blob) ParseKey(string key)
    {
        var f = key.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (f.Length < 2 || !KeyTypes.Contains(f[0]))
            throw GanetiException.WrongInput($"The cluster key is not an SSH public key of a known type ({string.Join(", ", KeyTypes)})");
        try
        {
            Convert.FromBase64String(f[1]);
        }
        catch (FormatException)
        {
            throw GanetiException.WrongInput("The cluster key's key data is not base64");
        }
        return (f[0], f[1]);
    }

    /// <summary>
    /// Joins this node: refuses when it belongs to another cluster (its ssconf_cluster_name), then
    /// writes <paramref name="authorizedKeys"/> atomically with the cluster key's forced-command line
    /// in place of any line holding the same key. Returns a line for the administrator.
    /// </summary>
    public static string Apply(GanetiPaths paths, NodeJoinRequest request, IReadOnlyList<string> nodeCommand, string authorizedKeys)
    {
        var nameFile = paths.SsconfPrefix + "cluster_name";
        if (File.Exists(nameFile) && File.ReadAllText(nameFile).Trim() is { Length: > 0 } current && current != request.ClusterName)
            throw GanetiException.Prereq($"This node belongs to the cluster {current}, not {request.ClusterName}: remove it from {current} first",
                ErrorCodes.WrongState);
        var line = AuthorizedKeyLine(request, nodeCommand);
        var blob = ParseKey(request.ClusterKey).Blob;
        var kept = File.Exists(authorizedKeys)
            ? File.ReadAllLines(authorizedKeys).Where(l => !l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(blob)).ToList()
            : [];
        var dir = Path.GetDirectoryName(Path.GetFullPath(authorizedKeys))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(authorizedKeys)}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var fs = new FileStream(tmp, options))
        {
            fs.Write(Encoding.UTF8.GetBytes(string.Concat(kept.Append(line).Select(l => l + "\n"))));
            fs.Flush(flushToDisk: true);
        }
        File.Move(tmp, authorizedKeys, overwrite: true);
        return $"The cluster key of {request.ClusterName} may now run the node command on this node, and nothing else ({authorizedKeys})";
    }
}
