namespace Ganeti.HTools.Capacity;

/// <summary>A part of a reboot group and the configuration in which its nodes are cleared.</summary>
public sealed record RebootPart(List<int> Nodes, RebootConfiguration Configuration);
