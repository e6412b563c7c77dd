using System.Text.Json.Nodes;

namespace Ganeti.HTools.Balancing;

/// <summary>One job of a plan: the nodes it touches, the placement, the gnt-instance commands and the opcodes.</summary>
public sealed record MoveJob(IReadOnlyList<int> Nodes, Placement Placement, IReadOnlyList<string> Commands, IReadOnlyList<JsonObject> OpCodes);
