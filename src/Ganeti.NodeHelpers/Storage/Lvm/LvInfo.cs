using System.Globalization;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage.Lvm;

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
