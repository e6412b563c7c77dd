using System.Globalization;
using System.Text.RegularExpressions;

namespace Ganeti.NodeHelpers.Storage.Drbd;

/// <summary>Parsers of DRBD's two status formats: /proc/drbd (8.x) and drbdsetup status (9.x).</summary>
public static partial class DrbdStatusParser
{
    [GeneratedRegex(@"^\s*(\d+):\s+(.*)$")]
    private static partial Regex MinorLine();

    [GeneratedRegex(@"sync'ed:\s*([0-9.]+)%")]
    private static partial Regex SyncedRe();

    [GeneratedRegex(@"finish:\s*(\d+):(\d+):(\d+)")]
    private static partial Regex FinishRe();

    [GeneratedRegex(@"^version:\s*(\d+)\.(\d+)\.(\d+)")]
    private static partial Regex VersionRe();

    /// <summary>The kernel module's version from the first line of /proc/drbd.</summary>
    public static Version? ParseVersion(string procDrbd)
    {
        var m = VersionRe().Match(procDrbd.TrimStart());
        return m.Success ? new Version(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)) : null;
    }

    /// <summary>/proc/drbd of DRBD 8.0 to 8.4: one block per minor, with sync lines while resyncing.</summary>
    public static IReadOnlyDictionary<int, DrbdMinorStatus> ParseProcDrbd(string text)
    {
        var result = new Dictionary<int, DrbdMinorStatus>();
        DrbdMinorStatus? current = null;
        foreach (var line in text.Split('\n'))
        {
            var m = MinorLine().Match(line);
            if (m.Success && !line.TrimStart().StartsWith("version:", StringComparison.Ordinal))
            {
                if (current is not null)
                    result[current.Minor] = current;
                var minor = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                var fields = m.Groups[2].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(f => f.Split(':', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
                var roles = Pair(fields.GetValueOrDefault("ro") ?? fields.GetValueOrDefault("st"));
                var disks = Pair(fields.GetValueOrDefault("ds"));
                current = new DrbdMinorStatus(minor, fields.GetValueOrDefault("cs") ?? "Unknown")
                {
                    LocalRole = roles.Local,
                    PeerRole = roles.Peer,
                    LocalDisk = disks.Local,
                    PeerDisk = disks.Peer,
                };
                continue;
            }
            if (current is null)
                continue;
            var synced = SyncedRe().Match(line);
            if (synced.Success)
                current = current with { SyncPercent = double.Parse(synced.Groups[1].Value, CultureInfo.InvariantCulture) };
            var finish = FinishRe().Match(line);
            if (finish.Success)
                current = current with
                {
                    EstimatedSeconds = int.Parse(finish.Groups[1].Value, CultureInfo.InvariantCulture) * 3600
                        + int.Parse(finish.Groups[2].Value, CultureInfo.InvariantCulture) * 60
                        + int.Parse(finish.Groups[3].Value, CultureInfo.InvariantCulture),
                };
        }
        if (current is not null)
            result[current.Minor] = current;
        return result;
    }

    /// <summary>
    /// drbdsetup status of DRBD 9, for resources named resourceN (one volume each, as this
    /// project creates them): "resourceN role:R", "  disk:D", "  PEER role:R" or
    /// "  PEER connection:C role:R", "    replication:S peer-disk:D done:P".
    /// </summary>
    public static IReadOnlyDictionary<int, DrbdMinorStatus> ParseDrbdsetupStatus(string text)
    {
        var result = new Dictionary<int, DrbdMinorStatus>();
        DrbdMinorStatus? current = null;
        foreach (var raw in text.Split('\n'))
        {
            if (raw.Trim().Length == 0)
                continue;
            var indent = raw.Length - raw.TrimStart().Length;
            var words = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var kv = words.Select(w => w.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            if (indent == 0)
            {
                if (current is not null)
                    result[current.Minor] = current;
                current = words[0].StartsWith("resource", StringComparison.Ordinal)
                    && int.TryParse(words[0]["resource".Length..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var minor)
                    ? new DrbdMinorStatus(minor, "StandAlone") { LocalRole = kv.GetValueOrDefault("role") }
                    : null;
            }
            else if (current is null)
                continue;
            else if (indent == 2 && words[0].Contains(':'))
                // The local volume: "disk:D" or "volume:N disk:D".
                current = current with { LocalDisk = kv.GetValueOrDefault("disk") ?? current.LocalDisk };
            else if (indent == 2)
                // A peer: connection is shown only when it is not Connected.
                current = current with
                {
                    ConnectionState = kv.GetValueOrDefault("connection") ?? "Connected",
                    PeerRole = kv.GetValueOrDefault("role") ?? current.PeerRole,
                };
            else
            {
                var replication = kv.GetValueOrDefault("replication");
                current = current with
                {
                    PeerDisk = kv.GetValueOrDefault("peer-disk") ?? current.PeerDisk,
                    ConnectionState = replication is null or "Established" ? current.ConnectionState : replication,
                    SyncPercent = kv.TryGetValue("done", out var done)
                        ? double.Parse(done, CultureInfo.InvariantCulture) : current.SyncPercent,
                };
            }
        }
        if (current is not null)
            result[current.Minor] = current;
        return result;
    }

    private static (string? Local, string? Peer) Pair(string? value)
    {
        if (value is null)
            return (null, null);
        var i = value.IndexOf('/');
        return i < 0 ? (value, null) : (value[..i], value[(i + 1)..]);
    }
}
