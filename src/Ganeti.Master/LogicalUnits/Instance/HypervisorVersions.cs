using System.Globalization;
using System.Text.Json;
using Ganeti.Core.Config;

namespace Ganeti.Master.LogicalUnits.Instance;

/// <summary>
/// Whether a running guest can move between two versions of its hypervisor. A guest moves
/// safely to the same or a newer release. A newer qemu can also send to an older one when the
/// instance's machine type is pinned to a versioned one (kvm's machine_version), because the
/// machine type fixes what the guest sees and how its state is encoded; with the default
/// machine type the older qemu may not know the newer one's devices or state sections.
/// </summary>
public static partial class HypervisorVersions
{
    /// <summary>Null when the move should be safe, else why it is not.</summary>
    public static string? CheckMigration(string hypervisor, string source, string target, IReadOnlyDictionary<string, JsonElement> hvparams)
    {
        if (Parse(source) is not { } src || Parse(target) is not { } dst)
            return $"cannot compare versions '{source}' and '{target}'";
        if (dst.CompareTo(src) >= 0)
            return null;
        if (hypervisor == "kvm" && Params.GetString(hvparams, "machine_version") is { Length: > 0 } machine)
            return VersionedMachine().IsMatch(machine)
                ? null
                : $"the target's release is older and machine_version '{machine}' is not a versioned machine type";
        return "the target's release is older than the source's" +
               (hypervisor == "kvm" ? " (pin machine_version to a versioned machine type known to both to allow it)" : "");
    }

    // qemu's versioned machine types end in the release they freeze: pc-i440fx-7.2, pc-q35-8.0.
    [System.Text.RegularExpressions.GeneratedRegex(@"-\d+\.\d+$")]
    private static partial System.Text.RegularExpressions.Regex VersionedMachine();

    /// <summary>Major and minor release of a version such as 7.2.22 (the micro part does not change the migration format).</summary>
    private static (int Major, int Minor)? Parse(string version)
    {
        var parts = version.Split('.');
        return parts.Length >= 2
               && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
               && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            ? (major, minor)
            : null;
    }
}
