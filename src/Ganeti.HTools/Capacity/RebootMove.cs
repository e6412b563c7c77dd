using Ganeti.HTools.Model;

namespace Ganeti.HTools.Capacity;

/// <summary>
/// Where an instance ends up while a reboot group is down, as hroller --print-moves lists it:
/// its primary node and, for a redundant instance, its secondary (node indices).
/// </summary>
public sealed record RebootMove(Instance Instance, int Primary, int? Secondary);
