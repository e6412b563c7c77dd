using System.Text;
using Ganeti.Master.Util;

namespace Ganeti.Master.Rpc;

/// <summary>
/// The cluster's known_hosts (OpenSSH format): one line per node, "name,address keytype key".
/// The master's ssh client looks keys up under the node's name (HostKeyAlias), so a node keeps
/// its key across address changes, and a key recorded for one node never vouches for another.
/// </summary>
public sealed class KnownHostsFile(string path)
{
    private static readonly object Sync = new();

    public string Path { get; } = path;

    /// <summary>The key lines recorded for a host name ("keytype key" each).</summary>
    public IReadOnlyList<string> KeysOf(string name) =>
        Lines().Where(l => Names(l).Contains(name, StringComparer.Ordinal))
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(2)))
            .ToList();

    /// <summary>Records <paramref name="keys"/> ("keytype key") for a node, replacing what was recorded for its name.</summary>
    public void Set(string name, string address, IEnumerable<string> keys)
    {
        lock (Sync)
        {
            var kept = Lines().Where(l => !Names(l).Contains(name, StringComparer.Ordinal)).ToList();
            kept.AddRange(keys.Select(k => $"{name},{address} {k}"));
            Write(kept);
        }
    }

    /// <summary>Forgets a node's keys.</summary>
    public bool Remove(string name)
    {
        lock (Sync)
        {
            var lines = Lines();
            var kept = lines.Where(l => !Names(l).Contains(name, StringComparer.Ordinal)).ToList();
            if (kept.Count == lines.Count) return false;
            Write(kept);
            return true;
        }
    }

    private List<string> Lines() =>
        File.Exists(Path)
            ? File.ReadAllLines(Path).Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')).ToList()
            : [];

    private static string[] Names(string line) => line.Split(' ', 2)[0].Split(',');

    private void Write(List<string> lines)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        AtomicFile.Write(Path, Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))));
    }
}
