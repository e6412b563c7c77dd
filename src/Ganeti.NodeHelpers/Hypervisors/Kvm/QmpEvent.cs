using System.Text.Json.Nodes;

namespace Ganeti.NodeHelpers.Hypervisors.Kvm;

/// <summary>An asynchronous QMP event (SHUTDOWN, POWERDOWN, STOP, RESUME, MIGRATION, ...).</summary>
public sealed record QmpEvent(string Name, JsonObject? Data, DateTimeOffset Timestamp);
