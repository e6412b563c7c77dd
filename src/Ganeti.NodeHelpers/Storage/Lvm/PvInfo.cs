using System.Globalization;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage.Lvm;

/// <summary>A physical volume line of pvs; attr's 'a' (allocatable) decides whether it counts.</summary>
public sealed record PvInfo(string Name, string VgName, long FreeMiB, long SizeMiB, string Attr)
{
    public bool Allocatable => Attr.Length > 0 && Attr[0] == 'a';
}
