using System.Globalization;
using System.Text.Json;
using Ganeti.Core.Errors;
using Ganeti.Core.Paths;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage;
using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Os;

/// <summary>
/// Runs an instance's OS scripts (create, import, export, rename, verify) as Ganeti's backend
/// does: found on the search path, started with an argument vector in the OS directory, with
/// only the environment of the OS interface, stdout and stderr in a log file under
/// var/log/ganeti/os/ named as Ganeti names them, a timeout, and on failure the end of the log
/// in the error.
/// </summary>
public sealed class OsRunner(OsDiscovery discovery, GanetiPaths paths, ICommandRunner runner,
    OsScriptTimeouts? timeouts = null, StorageDrivers? storage = null)
{
    private const int LogTailLines = 20;

    public OsScriptTimeouts Timeouts { get; } = timeouts ?? new OsScriptTimeouts();

    public OsDiscovery Discovery => discovery;

    /// <summary>Runs create (reinstall sets INSTANCE_REINSTALL=1); returns the log file.</summary>
    public async Task<string> CreateAsync(InstanceSpec instance, bool reinstall, int debug, CancellationToken cancellationToken)
    {
        var (os, variant) = discovery.GetWithVariant(instance.Os);
        var script = os.Script(OsScripts.Create)
            ?? throw GanetiException.Prereq(
                $"OS '{os.Name}' only has an untrusted create script, which needs a helper VM; this node runs trusted scripts only",
                ErrorCodes.Environment);
        var env = OsEnvironment.ForInstance(os, variant, instance, await DisksOf(instance, cancellationToken).ConfigureAwait(false), debug);
        if (reinstall)
            env["INSTANCE_REINSTALL"] = "1";
        var log = NewLogFile("add", instance.Os, instance.Name, null);
        await RunAsync(os, script, [], env, log, Timeouts.Create, null, null, "create", cancellationToken).ConfigureAwait(false);
        return log;
    }

    /// <summary>Runs rename with OLD_INSTANCE_NAME; the instance already carries its new name.</summary>
    public async Task<string> RenameAsync(InstanceSpec instance, string oldName, int debug, CancellationToken cancellationToken)
    {
        var (os, variant) = discovery.GetWithVariant(instance.Os);
        var env = OsEnvironment.ForInstance(os, variant, instance, await DisksOf(instance, cancellationToken).ConfigureAwait(false), debug);
        env["OLD_INSTANCE_NAME"] = oldName;
        var log = NewLogFile("rename", instance.Os, $"{oldName}-{instance.Name}", null);
        await RunAsync(os, os.Script(OsScripts.Rename)!, [], env, log, Timeouts.Rename, null, null, "rename", cancellationToken)
            .ConfigureAwait(false);
        return log;
    }

    /// <summary>Runs import for one disk, feeding it the data on stdin.</summary>
    public async Task<string> ImportAsync(InstanceSpec instance, int diskIndex, Stream data, int debug, CancellationToken cancellationToken)
    {
        var (os, variant) = discovery.GetWithVariant(instance.Os);
        var disks = await DisksOf(instance, cancellationToken).ConfigureAwait(false);
        CheckIndex(instance, diskIndex);
        var env = OsEnvironment.ForInstance(os, variant, instance, disks, debug);
        env["IMPORT_INDEX"] = diskIndex.ToString(CultureInfo.InvariantCulture);
        env["IMPORT_DEVICE"] = env["IMPORT_DISK_PATH"] = disks[diskIndex].Path;
        if (disks[diskIndex].Uri is { } uri)
            env["IMPORT_DISK_URI"] = uri;
        var log = NewLogFile("import", instance.Os, instance.Name, $"disk{diskIndex}");
        await RunAsync(os, os.Script(OsScripts.Import)!, [], env, log, Timeouts.Import, data, null, "import", cancellationToken)
            .ConfigureAwait(false);
        return log;
    }

    /// <summary>
    /// Runs export for one disk, its stdout going to output. Swap areas are refused: their
    /// content is meaningless and may hold secrets paged out by the guest.
    /// </summary>
    public async Task<string> ExportAsync(InstanceSpec instance, int diskIndex, Stream output, int debug, CancellationToken cancellationToken)
    {
        var (os, variant) = discovery.GetWithVariant(instance.Os);
        var disks = await DisksOf(instance, cancellationToken).ConfigureAwait(false);
        CheckIndex(instance, diskIndex);
        if (SwapDetector.IsSwap(disks[diskIndex].Path))
            throw GanetiException.Prereq($"Disk {diskIndex} of {instance.Name} is a swap area; swap is never exported",
                ErrorCodes.WrongInput);
        var env = OsEnvironment.ForInstance(os, variant, instance, disks, debug);
        env["EXPORT_INDEX"] = diskIndex.ToString(CultureInfo.InvariantCulture);
        env["EXPORT_DEVICE"] = env["EXPORT_DISK_PATH"] = disks[diskIndex].Path;
        if (disks[diskIndex].Uri is { } uri)
            env["EXPORT_DISK_URI"] = uri;
        var log = NewLogFile("export", instance.Os, instance.Name, $"disk{diskIndex}");
        await RunAsync(os, os.Script(OsScripts.Export)!, [], env, log, Timeouts.Export, null, output, "export", cancellationToken)
            .ConfigureAwait(false);
        return log;
    }

    /// <summary>
    /// Ganeti's ValidateOS: false when the OS is missing and not required; for API 20 checks
    /// the parameter names against parameters.list and runs verify with the given checks.
    /// </summary>
    public async Task<bool> ValidateAsync(string name, bool required, IReadOnlyList<string> checks,
        IReadOnlyDictionary<string, JsonElement> osparams, CancellationToken cancellationToken)
    {
        if (discovery.Locate(name) is null && !required)
            return false;
        var (os, variant) = discovery.GetWithVariant(name);
        if (os.ApiVersion < OsScripts.ApiV20)
            return true;
        if (checks.Contains(OsScripts.VerifyParameters))
        {
            var unknown = osparams.Keys.Where(k => os.Parameters.All(p => p.Name != k)).Order(StringComparer.Ordinal).ToList();
            if (unknown.Count > 0)
                throw GanetiException.WrongInput($"OS '{os.Name}' does not support parameters: {string.Join(", ", unknown)}");
        }
        var env = OsEnvironment.Core(os, variant, osparams, 0);
        var result = await runner.RunAsync(new CommandSpec(os.Script(OsScripts.Verify)!, checks)
        {
            Environment = env,
            WorkingDirectory = os.Path,
            Timeout = Timeouts.Verify,
        }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
            throw GanetiException.Prereq(
                $"OS '{name}' verify script failed ({Reason(result)}), output: {(result.Stdout + result.Stderr).Trim()}",
                ErrorCodes.WrongInput);
        return true;
    }

    private async Task RunAsync(OsDefinition os, string script, IReadOnlyList<string> args, Dictionary<string, string> env,
        string log, TimeSpan timeout, Stream? stdin, Stream? stdout, string what, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(new CommandSpec(script, args)
        {
            Environment = env,
            WorkingDirectory = os.Path,
            Timeout = timeout,
            Stdin = stdin,
            Stdout = stdout,
            LogFile = log,
        }, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
            return;
        throw GanetiException.Exec(
            $"OS {what} script failed ({Reason(result)}), last lines in the log file {log}:\n{string.Join('\n', Tail(log))}");
    }

    private static string Reason(CommandResult r) =>
        r.TimedOut ? $"timed out after {r.Command.Timeout.TotalSeconds:0.#} s" : $"exited with exit code {r.ExitCode}";

    private async Task<IReadOnlyList<AttachedDisk>> DisksOf(InstanceSpec instance, CancellationToken cancellationToken)
    {
        var result = new List<AttachedDisk>();
        foreach (var disk in instance.Disks)
        {
            if (disk.Path is not null)
            {
                result.Add(new AttachedDisk(disk.Path, disk.Uri));
                continue;
            }
            var found = storage is null ? null : await storage.For(disk).FindAsync(disk, cancellationToken).ConfigureAwait(false);
            result.Add(found ?? throw GanetiException.WrongState(
                $"Disk {disk.Index} ({disk.Uuid}) of {instance.Name} is not assembled on this node"));
        }
        return result;
    }

    private static void CheckIndex(InstanceSpec instance, int index)
    {
        if (index < 0 || index >= instance.Disks.Count)
            throw GanetiException.WrongInput($"Instance {instance.Name} has no disk {index}");
    }

    /// <summary>Ganeti's _InstanceLogName: kind-os-instance[-component]-timestamp.log, never reused.</summary>
    public string NewLogFile(string kind, string osName, string instance, string? component)
    {
        Posix.CreateDirectory(paths.OsLogDir, Posix.Dir0750);
        var stamp = DateTime.Now.ToString("yyyy-MM-dd_HH_mm_ss", CultureInfo.InvariantCulture);
        var baseName = $"{kind}-{Safe(osName)}-{Safe(instance)}{(component is null ? "" : "-" + Safe(component))}-{stamp}";
        for (var n = 0; ; n++)
        {
            var path = Path.Combine(paths.OsLogDir, (n == 0 ? baseName : $"{baseName}.{n}") + ".log");
            try
            {
                using var _ = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                Posix.SetMode(path, Posix.File0600);
                return path;
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }
    }

    private static string Safe(string s) => s.Replace('/', '_');

    private static IEnumerable<string> Tail(string log)
    {
        try
        {
            return File.ReadLines(log).TakeLast(LogTailLines);
        }
        catch (IOException)
        {
            return [];
        }
    }
}
