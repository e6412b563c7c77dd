using System.Globalization;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage.Lvm;

/// <summary>
/// Parsers of lvm2's report commands run as
/// <c>--noheadings --nosuffix --units=m --unbuffered --separator=|</c>: one line per object,
/// fields padded on the left, sizes in MiB with two decimals.
/// </summary>
public static class LvmReports
{
    public const string Separator = "|";

    public static readonly string[] Common = ["--noheadings", "--nosuffix", "--units=m", "--unbuffered", "--separator=" + Separator];

    public static IReadOnlyList<VgInfo> ParseVgs(string output) =>
        [.. Lines(output, 3, "vgs").Select(f => new VgInfo(f[0], MiB(f[1]), MiB(f[2])))];

    public static IReadOnlyList<PvInfo> ParsePvs(string output) =>
        [.. Lines(output, 5, "pvs").Select(f => new PvInfo(f[0], f[1], MiB(f[2]), MiB(f[3]), f[4]))];

    public static IReadOnlyList<LvInfo> ParseLvs(string output) =>
        [.. Lines(output, 4, "lvs").Select(f => new LvInfo(f[0], f[1], MiB(f[2]), f[3]))];

    private static IEnumerable<string[]> Lines(string output, int fields, string tool)
    {
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
                continue;
            var f = line.Split(Separator);
            if (f.Length != fields)
                throw GanetiException.Exec($"Cannot parse {tool} output line '{line}': expected {fields} fields, got {f.Length}");
            yield return [.. f.Select(x => x.Trim())];
        }
    }

    /// <summary>Sizes are rounded down: a partial MiB cannot hold a MiB of disk.</summary>
    private static long MiB(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? (long)Math.Floor(v)
            : throw GanetiException.Exec($"Cannot parse LVM size '{value}'");
}
