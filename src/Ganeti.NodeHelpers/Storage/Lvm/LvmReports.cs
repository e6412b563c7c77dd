using System.Globalization;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage.Lvm;

/// <summary>A volume group line of vgs: name, free and size in MiB.</summary>
public sealed record VgInfo(string Name, long FreeMiB, long SizeMiB);

/// <summary>A physical volume line of pvs; attr's 'a' (allocatable) decides whether it counts.</summary>
public sealed record PvInfo(string Name, string VgName, long FreeMiB, long SizeMiB, string Attr)
{
    public bool Allocatable => Attr.Length > 0 && Attr[0] == 'a';
}

/// <summary>
/// A logical volume line of lvs. lv_attr (10 characters since LVM 2.02.89): [0] type (s
/// snapshot, o origin, v virtual, - plain), [4] state (a active), [5] open (o), [8] health
/// (p partial: a PV is missing).
/// </summary>
public sealed record LvInfo(string Name, string VgName, long SizeMiB, string Attr)
{
    public bool Active => Attr.Length > 4 && Attr[4] == 'a';
    public bool Open => Attr.Length > 5 && Attr[5] == 'o';
    public bool Partial => Attr.Length > 8 && Attr[8] == 'p';
    public bool Virtual => Attr.Length > 0 && Attr[0] == 'v';
}

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
