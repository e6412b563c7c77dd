// Ganeti.Core: the shared vocabulary of GanetiCluster. Configuration objects, opcodes and
// their validation, the job model, error kinds and the JSON wire format. No I/O lives here.
namespace Ganeti.Core;

/// <summary>Version facts announced to peers (RAPI /version, node version checks).</summary>
public static class ProjectInfo
{
    /// <summary>The RAPI protocol version Ganeti announces at /version.</summary>
    public const int RapiVersion = 2;

    /// <summary>The config format version written into config.data (Ganeti 3.0).</summary>
    public const int ConfigVersion = 3000000;

    /// <summary>The Ganeti release this implementation speaks for.</summary>
    public const string GanetiCompatVersion = "3.0.2";

    /// <summary>Our own version, read from the assembly.</summary>
    public static string Version { get; } =
        typeof(ProjectInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
