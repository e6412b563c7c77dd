namespace Ganeti.Remoting.Rapi.Tls;

/// <summary>
/// The certificates trusted on first use, one line per master: <c>host:port SHA256HEX</c>, like
/// ssh's known_hosts. Default file: $GANETICLUSTER_KNOWN_HOSTS, else
/// $XDG_CONFIG_HOME/GanetiCluster/known_hosts (~/.config/GanetiCluster/known_hosts).
/// </summary>
public sealed class ThumbprintStore
{
    private static readonly object FileLock = new();

    public ThumbprintStore(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static string DefaultPath()
    {
        var env = Environment.GetEnvironmentVariable("GANETICLUSTER_KNOWN_HOSTS");
        if (!string.IsNullOrEmpty(env))
            return env;
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(config))
            config = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return System.IO.Path.Combine(config, "GanetiCluster", "known_hosts");
    }

    public static string Key(string host, int port) => $"{host.ToLowerInvariant()}:{port}";

    public string? Find(string host, int port)
    {
        var key = Key(host, port);
        lock (FileLock)
        {
            if (!File.Exists(Path)) return null;
            foreach (var line in File.ReadAllLines(Path))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && !parts[0].StartsWith('#') && parts[0] == key)
                    return parts[1].ToUpperInvariant();
            }
        }
        return null;
    }

    /// <summary>Records (or replaces) the thumbprint for host:port, written atomically.</summary>
    public void Save(string host, int port, string thumbprint)
    {
        var key = Key(host, port);
        lock (FileLock)
        {
            var dir = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            var lines = File.Exists(Path)
                ? File.ReadAllLines(Path).Where(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() != key).ToList()
                : [];
            lines.Add($"{key} {thumbprint.ToUpperInvariant()}");
            var tmp = Path + ".tmp";
            File.WriteAllLines(tmp, lines);
            File.Move(tmp, Path, overwrite: true);
        }
    }

    public bool Remove(string host, int port)
    {
        var key = Key(host, port);
        lock (FileLock)
        {
            if (!File.Exists(Path)) return false;
            var all = File.ReadAllLines(Path);
            var kept = all.Where(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() != key).ToArray();
            if (kept.Length == all.Length) return false;
            File.WriteAllLines(Path, kept);
            return true;
        }
    }
}
