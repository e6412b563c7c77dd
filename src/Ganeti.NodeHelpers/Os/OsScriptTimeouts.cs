namespace Ganeti.NodeHelpers.Os;

/// <summary>
/// How long each OS script may run before it is killed. Create, import and export stay under
/// the four hours the master gives instance_os_add, so the node reports the timeout itself.
/// </summary>
public sealed record OsScriptTimeouts
{
    public TimeSpan Create { get; init; } = TimeSpan.FromMinutes(230);
    public TimeSpan Import { get; init; } = TimeSpan.FromMinutes(230);
    public TimeSpan Export { get; init; } = TimeSpan.FromMinutes(230);
    public TimeSpan Rename { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan Verify { get; init; } = TimeSpan.FromMinutes(2);
}
