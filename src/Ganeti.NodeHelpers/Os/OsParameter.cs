namespace Ganeti.NodeHelpers.Os;

/// <summary>One line of parameters.list: a name and what it means.</summary>
public sealed record OsParameter(string Name, string Documentation);
