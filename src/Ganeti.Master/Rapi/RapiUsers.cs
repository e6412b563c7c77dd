using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Ganeti.Master.Rapi;

/// <summary>
/// The RAPI users file, Ganeti's format: one user per line, <c>name password [options]</c>,
/// fields separated by whitespace, options comma-separated (<c>read</c>, <c>write</c>), empty
/// lines and <c>#</c> comments ignored. Passwords are <c>{CLEARTEXT}pw</c>, <c>{HA1}hex</c>
/// (MD5 of <c>user:Ganeti Remote API:pw</c>) or, without a scheme, cleartext. The file is
/// re-read when it changes and on SIGHUP; a missing file means no users.
/// </summary>
public sealed class RapiUsers : IDisposable
{
    /// <summary>The authentication realm; part of every HA1 hash.</summary>
    public const string Realm = "Ganeti Remote API";

    private const string CleartextScheme = "{CLEARTEXT}";
    private const string Ha1Scheme = "{HA1}";

    private readonly string? _path;
    private readonly Action<string>? _log;
    private volatile IReadOnlyDictionary<string, RapiUser> _users = new Dictionary<string, RapiUser>();
    private FileSystemWatcher? _watcher;
    private PosixSignalRegistration? _sighup;

    /// <summary>Users read from <paramref name="path"/> (null: nobody).</summary>
    public RapiUsers(string? path, Action<string>? log = null)
    {
        _path = path;
        _log = log;
        Reload();
    }

    /// <summary>A fixed set of users, for embedding and tests.</summary>
    public RapiUsers(IEnumerable<RapiUser> users)
    {
        _users = users.ToDictionary(u => u.Name, StringComparer.Ordinal);
    }

    public string? Path => _path;

    public IReadOnlyCollection<RapiUser> All => _users.Values.ToList();

    public RapiUser? Get(string name) => _users.TryGetValue(name, out var u) ? u : null;

    /// <summary>Re-reads the file. Returns false (keeping the old users) if it cannot be parsed.</summary>
    public bool Reload()
    {
        if (_path is null) return false;
        string contents;
        try
        {
            contents = File.ReadAllText(_path);
        }
        catch (FileNotFoundException)
        {
            _log?.Invoke($"No users file at {_path}");
            _users = new Dictionary<string, RapiUser>();
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            _log?.Invoke($"No users file at {_path}");
            _users = new Dictionary<string, RapiUser>();
            return false;
        }
        catch (IOException e)
        {
            _log?.Invoke($"Error while reading {_path}: {e.Message}");
            _users = new Dictionary<string, RapiUser>();
            return false;
        }
        catch (UnauthorizedAccessException e)
        {
            _log?.Invoke($"Error while reading {_path}: {e.Message}");
            _users = new Dictionary<string, RapiUser>();
            return false;
        }
        _users = Parse(contents, _log);
        return true;
    }

    /// <summary>Starts reloading on changes of the file and on SIGHUP.</summary>
    public void Watch(bool onSighup)
    {
        if (_path is null) return;
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_path));
        if (dir is not null && Directory.Exists(dir) && _watcher is null)
        {
            _watcher = new FileSystemWatcher(dir, System.IO.Path.GetFileName(_path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            FileSystemEventHandler changed = (_, _) => Reload();
            _watcher.Changed += changed;
            _watcher.Created += changed;
            _watcher.Deleted += changed;
            _watcher.Renamed += (_, _) => Reload();
            _watcher.EnableRaisingEvents = true;
        }
        if (onSighup && _sighup is null && !OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
            {
                ctx.Cancel = true;
                Reload();
            });
        }
    }

    /// <summary>Parses users-file text. Lines with fewer than two fields are skipped.</summary>
    public static IReadOnlyDictionary<string, RapiUser> Parse(string contents, Action<string>? log = null)
    {
        var users = new Dictionary<string, RapiUser>(StringComparer.Ordinal);
        foreach (var raw in contents.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2)
            {
                log?.Invoke("Ignoring non-comment line with less than two fields");
                continue;
            }
            var options = parts.Length >= 3
                ? parts[2].Split(',').Select(o => o.Trim()).Where(o => o.Length > 0).ToList()
                : [];
            users[parts[0]] = new RapiUser(parts[0], parts[1], options);
        }
        return users;
    }

    /// <summary>Checks a password given over Basic auth against the stored one, by its scheme.</summary>
    public static bool VerifyPassword(string username, string password, string expected)
    {
        if (!expected.StartsWith('{'))
            expected = CleartextScheme + expected;
        var schemeEnd = expected.IndexOf('}', 1);
        if (schemeEnd <= 1) return false;
        var scheme = expected[..(schemeEnd + 1)].ToUpperInvariant();
        var stored = expected[(schemeEnd + 1)..];
        if (scheme == CleartextScheme)
            return FixedTimeEquals(password, stored);
        if (scheme == Ha1Scheme)
            return FixedTimeEquals(Ha1(username, password), stored.ToLowerInvariant());
        return false;
    }

    /// <summary>H(A1) of RFC 2617 as Ganeti stores it: hex MD5 of <c>user:realm:password</c>.</summary>
    public static string Ha1(string username, string password) =>
        Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"{username}:{Realm}:{password}")));

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    public void Dispose()
    {
        _watcher?.Dispose();
        _watcher = null;
        _sighup?.Dispose();
        _sighup = null;
    }
}
