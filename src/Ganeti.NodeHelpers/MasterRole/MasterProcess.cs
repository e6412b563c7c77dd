using System.Globalization;
using System.Runtime.InteropServices;
using Ganeti.Core.Paths;

namespace Ganeti.NodeHelpers.MasterRole;

/// <summary>
/// The master daemon of this node as seen through its pid file: written when `ganetid master`
/// starts, removed when it stops cleanly. A pid file left behind by a killed master, or naming a
/// process that is not ours, is recognised and left alone.
/// </summary>
public static class MasterProcess
{
    public static void WritePidFile(GanetiPaths paths)
    {
        Directory.CreateDirectory(paths.RunDir);
        File.WriteAllText(paths.MasterPidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    public static void RemovePidFile(GanetiPaths paths)
    {
        if (Running(paths) == Environment.ProcessId) File.Delete(paths.MasterPidFile);
    }

    /// <summary>The pid of this node's running master daemon, or null.</summary>
    public static int? Running(GanetiPaths paths)
    {
        if (!File.Exists(paths.MasterPidFile)) return null;
        if (!int.TryParse(File.ReadAllText(paths.MasterPidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return null;
        var cmdline = $"/proc/{pid}/cmdline";
        string[] argv;
        try
        {
            argv = File.ReadAllText(cmdline).Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // Same program, master role, same root: a recycled pid is someone else's process.
        var isMaster = argv.Any(a => a.EndsWith("ganetid", StringComparison.Ordinal) || a.EndsWith("ganetid.dll", StringComparison.Ordinal))
                       && (argv.Contains("master") || argv.Contains("master-failover"));
        var root = RootOf(argv);
        return isMaster && Path.GetFullPath(root) == paths.Root ? pid : null;
    }

    private static string RootOf(string[] argv)
    {
        for (var i = 0; i < argv.Length; i++)
        {
            if (argv[i] == "--root" && i + 1 < argv.Length) return argv[i + 1];
            if (argv[i].StartsWith("--root=", StringComparison.Ordinal)) return argv[i]["--root=".Length..];
        }
        return "/";
    }

    /// <summary>
    /// Stops this node's master daemon: SIGTERM, then SIGKILL when it has not gone within
    /// <paramref name="grace"/>. Returns the pid it stopped, or null when none was running.
    /// </summary>
    public static async Task<int?> StopAsync(GanetiPaths paths, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (Running(paths) is not { } pid) return null;
        _ = Kill(pid, 15);
        var deadline = DateTime.UtcNow + grace;
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline)
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        if (Directory.Exists($"/proc/{pid}"))
        {
            _ = Kill(pid, 9);
            while (Directory.Exists($"/proc/{pid}") && !IsZombie(pid))
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        try { File.Delete(paths.MasterPidFile); } catch (IOException) { }
        return pid;
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
