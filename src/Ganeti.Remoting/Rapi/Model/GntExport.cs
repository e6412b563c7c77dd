using System.Text.RegularExpressions;

namespace Ganeti.Remoting.Rapi.Model;

/// <summary>
/// An instance export (gnt-backup export): where it lies, and what Import-GntInstance needs to
/// create an instance from it (OS, disk template, disk sizes, memory, CPUs as they were).
/// </summary>
public sealed class GntExport
{
    /// <summary>The exported instance.</summary>
    public required string InstanceName { get; init; }
    /// <summary>The node holding the export.</summary>
    public string? Node { get; init; }
    /// <summary>The export directory on the node (Ganeti's src_path for an import).</summary>
    public string? Path { get; init; }
    public string Mode { get; init; } = "local";
    public string? OS { get; init; }
    public string? DiskTemplate { get; init; }
    /// <summary>Size of each disk, MiB.</summary>
    public long[] DiskSizeMB { get; init; } = [];
    public long? MemoryMB { get; init; }
    public long? VCpus { get; init; }
    /// <summary>True when the instance was removed after the export (Ganeti's --remove-instance).</summary>
    public bool InstanceRemoved { get; init; }
    public long? JobId { get; init; }

    private static readonly Regex ExportedLine = new(@"^Exported (?<instance>\S+) to (?<node>[^:\s]+):(?<path>\S.*)$", RegexOptions.CultureInvariant);

    /// <summary>The export directory from the job log line "Exported I to node:path", if the master wrote one.</summary>
    public static string? PathFromLog(IEnumerable<GntJobLogEntry> log, string instance)
    {
        foreach (var entry in log.Reverse())
        {
            var m = ExportedLine.Match(entry.Message);
            if (m.Success && string.Equals(m.Groups["instance"].Value, instance, StringComparison.OrdinalIgnoreCase))
                return m.Groups["path"].Value.Trim();
        }
        return null;
    }

    public override string ToString() => $"{Node}:{Path ?? InstanceName}";
}
