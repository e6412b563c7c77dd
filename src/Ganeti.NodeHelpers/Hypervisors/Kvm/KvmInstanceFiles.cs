using Ganeti.Core.Errors;
using Ganeti.Core.Paths;

namespace Ganeti.NodeHelpers.Hypervisors.Kvm;

/// <summary>
/// Where one instance's qemu keeps its state on a node, in Ganeti's layout under
/// var/run/ganeti/kvm-hypervisor: pid/, ctrl/ (sockets and markers), conf/ (runtime).
/// </summary>
public sealed class KvmInstanceFiles
{
    // sun_path is 108 bytes including the terminating NUL.
    private const int MaxSocketPath = 107;

    public KvmInstanceFiles(GanetiPaths paths, string instanceName)
    {
        if (instanceName.Length == 0 || instanceName.Contains('/') || instanceName is "." or ".." ||
            instanceName.Any(char.IsControl))
            throw GanetiException.WrongInput($"Invalid instance name '{instanceName}'");
        Name = instanceName;
        Root = paths.KvmHypervisorDir;
        LogDir = Path.Combine(paths.LogDir, "kvm");
    }

    public string Name { get; }
    public string Root { get; }
    public string PidDir => Path.Combine(Root, "pid");
    public string CtrlDir => Path.Combine(Root, "ctrl");
    public string ConfDir => Path.Combine(Root, "conf");
    public string LogDir { get; }

    public string PidFile => Path.Combine(PidDir, Name);
    public string QmpSocket => Path.Combine(CtrlDir, Name + ".qmp");
    /// <summary>The second QMP socket, held open by the event watcher (Ganeti's kvmd socket).</summary>
    public string EventSocket => Path.Combine(CtrlDir, Name + ".kvmd");
    public string SerialSocket => Path.Combine(CtrlDir, Name + ".serial");
    public string GuestAgentSocket => Path.Combine(CtrlDir, Name + ".qga");
    public string VncSocket(string dir) => Path.Combine(dir, Name + ".vnc");
    public string RuntimeFile => Path.Combine(ConfDir, Name + ".runtime");
    /// <summary>Present after the guest shut itself down (Ganeti's user shutdown file).</summary>
    public string UserShutdownFile => Path.Combine(CtrlDir, Name + ".shutdown");
    /// <summary>Present while the node itself powers the guest down, so that its SHUTDOWN is not taken for the user's.</summary>
    public string StoppingFile => Path.Combine(CtrlDir, Name + ".stopping");
    public string LogFile => Path.Combine(LogDir, Name + ".log");

    public void CreateDirectories()
    {
        foreach (var d in new[] { Root, PidDir, CtrlDir, ConfDir, LogDir })
            Directory.CreateDirectory(d);
    }

    /// <summary>Fails early, with the path, when a socket path would not fit a sockaddr_un.</summary>
    public void CheckSocketPaths()
    {
        foreach (var s in new[] { QmpSocket, EventSocket, SerialSocket, GuestAgentSocket })
            if (System.Text.Encoding.UTF8.GetByteCount(s) > MaxSocketPath)
                throw GanetiException.Prereq(
                    $"Socket path {s} is longer than {MaxSocketPath} bytes; use a shorter root directory or instance name",
                    ErrorCodes.Environment);
    }

    /// <summary>Removes everything the instance left on the node except the user-shutdown marker when asked to keep it.</summary>
    public void DeleteAll(bool keepUserShutdown = false)
    {
        foreach (var f in new[] { PidFile, QmpSocket, EventSocket, SerialSocket, GuestAgentSocket, RuntimeFile, StoppingFile })
            TryDelete(f);
        if (!keepUserShutdown) TryDelete(UserShutdownFile);
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
