using System.Text.Json;
using Ganeti.Core.Errors;

namespace Ganeti.NodeHelpers.Storage.Rbd;

/// <summary>One mapped image of rbd showmapped.</summary>
public sealed record RbdMapping(string Pool, string Name, string Snap, string Device);
