namespace Ganeti.PowerShell.Infrastructure;

/// <summary>
/// How a failure is reported to PowerShell: a stable error id (the first part of
/// FullyQualifiedErrorId), the name of an ErrorCategory member, whether it ends the command,
/// the message and what the user can do about it.
/// </summary>
public sealed record GntErrorInfo(string ErrorId, string Category, bool Terminating, string Message, string? RecommendedAction = null);
