using System.Globalization;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage.Lvm;

/// <summary>A volume group line of vgs: name, free and size in MiB.</summary>
public sealed record VgInfo(string Name, long FreeMiB, long SizeMiB);
