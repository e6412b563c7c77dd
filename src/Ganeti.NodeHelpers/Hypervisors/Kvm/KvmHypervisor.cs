using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Json;
using Ganeti.Core.Paths;
using Ganeti.Remoting.NodeRpc.Messages;
using N = Ganeti.NodeHelpers.Hypervisors.Kvm.KvmParameterNames;
using P = Ganeti.NodeHelpers.Hypervisors.Kvm.KvmParameters;

namespace Ganeti.NodeHelpers.Hypervisors.Kvm;

/// <summary>
/// Ganeti's kvm hypervisor on qemu-system-x86_64: qemu is started daemonized and paused (-S)
/// with a pid file, QMP, event and serial sockets under var/run/ganeti/kvm-hypervisor, set up
/// over QMP and then resumed with cont. NICs are taps on the NIC's bridge; disks are -blockdev
/// nodes with the disk type's frontend. The runtime file keeps what the instance was started
/// from, for reboot and migration. A guest that powers itself off is reported as shut down
/// (Ganeti's USER_down), noticed from QMP events or, failing those, from qemu's run state.
/// </summary>
public sealed class KvmHypervisor : IHypervisor, IAsyncDisposable
{
    public const string HypervisorName = "kvm";

    private static readonly TimeSpan IpTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan HardStopWait = TimeSpan.FromSeconds(10);

    private readonly GanetiPaths paths;
    private readonly KvmHypervisorOptions options;
    private readonly KvmProcessRunner runner;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> instanceLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> monitorLocks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KvmEventWatcher> watchers = new(StringComparer.Ordinal);

    public KvmHypervisor(GanetiPaths paths, KvmHypervisorOptions? options = null)
    {
        this.paths = paths;
        this.options = options ?? new KvmHypervisorOptions();
        runner = new KvmProcessRunner(this.options.CommandPrefix);
    }

    public string Name => HypervisorName;
    public bool CanMigrate => true;
    public IReadOnlyDictionary<string, JsonElement> DefaultParameters => P.Defaults;

    public void CheckParameters(IReadOnlyDictionary<string, JsonElement> hvparams) => P.Check(hvparams);

    public async Task ValidateParametersAsync(IReadOnlyDictionary<string, JsonElement> hvparams, CancellationToken cancellationToken)
    {
        P.Check(hvparams);
        var h = P.Fill(hvparams);
        var kvm = P.GetString(h, N.KvmPath);
        if (!File.Exists(kvm))
            throw NodeError($"kvm_path {kvm} does not exist on this node");
        var version = await runner.RunAsync([kvm, "--version"], TimeSpan.FromSeconds(20), cancellationToken);
        if (!version.Succeeded)
            throw NodeError($"kvm_path {kvm} does not run: {version.Describe()}");
        foreach (var name in new[] { N.KernelPath, N.InitrdPath, N.CdromImagePath, N.Cdrom2ImagePath, N.FloppyImagePath, N.VncPasswordFile })
        {
            var path = P.GetString(h, name);
            if (path != "" && !File.Exists(path))
                throw NodeError($"{name} {path} does not exist on this node");
        }
        var memPath = P.GetString(h, N.MemPath);
        if (memPath != "" && !Directory.Exists(memPath))
            throw NodeError($"mem_path {memPath} is not a directory on this node");
        var vnc = P.GetString(h, N.VncBindAddress);
        if (vnc.StartsWith('/') && !Directory.Exists(vnc))
            throw NodeError($"vnc_bind_address {vnc} is not a directory on this node");
        var cpus = Environment.ProcessorCount;
        foreach (var group in P.ParseCpuMask(P.GetString(h, N.CpuMask)))
            if (group is not null && group.Max() >= cpus)
                throw NodeError($"cpu_mask {P.GetString(h, N.CpuMask)} names CPU {group.Max()}, but this node has {cpus} CPUs (0-{cpus - 1})");
    }

    private KvmInstanceFiles Files(string name) => new(paths, name);

    // ---------------------------------------------------------------- start, stop, reboot

    public async Task StartAsync(InstanceSpec instance, bool paused, CancellationToken cancellationToken)
    {
        var files = Files(instance.Name);
        using var _ = await LockAsync(instance.Name, cancellationToken);
        var spec = instance with { Hvparams = P.Fill(instance.Hvparams) };
        await PrepareLaunchAsync(spec, files, cancellationToken);
        var taps = TapNames(spec);
        var argv = KvmCommandLine.Build(spec, files, taps);
        await LaunchAsync(spec, files, taps, argv, cancellationToken);
        try
        {
            await ConfigureAsync(spec, files, cancellationToken);
            SaveRuntime(files, new KvmRuntime
            {
                Instance = spec,
                Taps = taps,
                Command = argv,
                Started = Now(),
                SourceWasRunning = !paused,
            });
            if (!paused)
                await QmpAsync(files, q => q.ExecuteAsync("cont", null, cancellationToken), cancellationToken);
        }
        catch
        {
            await KillAndCleanAsync(files, taps, CancellationToken.None);
            throw;
        }
        EnsureWatcher(files);
    }

    /// <summary>Every check that can fail before qemu runs: parameters, node facts, conflicts, leftovers.</summary>
    private async Task PrepareLaunchAsync(InstanceSpec spec, KvmInstanceFiles files, CancellationToken cancellationToken)
    {
        await ValidateParametersAsync(spec.Hvparams, cancellationToken);
        KvmCommandLine.Smp(spec.Vcpus, P.GetInt(spec.Hvparams, N.CpuSockets), P.GetInt(spec.Hvparams, N.CpuCores),
            P.GetInt(spec.Hvparams, N.CpuThreads));
        var groups = P.ParseCpuMask(P.GetString(spec.Hvparams, N.CpuMask));
        if (groups.Count > 1 && groups.Count != spec.Vcpus)
            throw GanetiException.WrongInput(
                $"cpu_mask {P.GetString(spec.Hvparams, N.CpuMask)} has {groups.Count} per-vCPU masks but the instance has {spec.Vcpus} vCPUs");
        files.CheckSocketPaths();
        var pid = ReadPid(files);
        if (KvmProcessRunner.IsQemuOf(pid, spec.Name))
        {
            // A guest that powered itself off leaves a stopped qemu behind; starting replaces it.
            if (await ReadRunStatusAsync(files, cancellationToken) == "shutdown" && !File.Exists(files.StoppingFile))
                await KillAndCleanAsync(files, LoadRuntime(files)?.Taps ?? [], cancellationToken);
            else
                throw GanetiException.Exec($"Instance {spec.Name} is already running (qemu pid {pid})");
        }
        else if (LoadRuntime(files) is { } stale)
            await DeleteTapsAsync(stale.Taps, CancellationToken.None);
        files.CreateDirectories();
        files.DeleteAll();
        await CheckConflictsAsync(spec, cancellationToken);
    }

    /// <summary>Two instances on one node cannot share a MAC address or a VNC port.</summary>
    private async Task CheckConflictsAsync(InstanceSpec spec, CancellationToken cancellationToken)
    {
        var macs = spec.Nics.Select(n => n.Mac.ToLowerInvariant()).ToList();
        var dup = macs.GroupBy(m => m).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw GanetiException.Prereq($"Instance {spec.Name} uses MAC address {dup.Key} on more than one NIC", ErrorCodes.NotUnique);
        var vncPort = VncPort(spec);
        foreach (var other in await ListInstancesAsync(cancellationToken))
        {
            if (other == spec.Name) continue;
            var runtime = LoadRuntime(Files(other));
            if (runtime is null) continue;
            if (!KvmProcessRunner.IsQemuOf(ReadPid(Files(other)), other)) continue;
            var clash = runtime.Instance.Nics.Select(n => n.Mac.ToLowerInvariant()).Intersect(macs).FirstOrDefault();
            if (clash is not null)
                throw GanetiException.Prereq(
                    $"MAC address {clash} of instance {spec.Name} is already used by instance {other} on this node", ErrorCodes.NotUnique);
            if (vncPort is not null && VncPort(runtime.Instance) == vncPort)
                throw GanetiException.Prereq(
                    $"VNC port {vncPort} of instance {spec.Name} is already used by instance {other} on this node", ErrorCodes.NotUnique);
        }
    }

    private static int? VncPort(InstanceSpec spec)
    {
        var h = P.Fill(spec.Hvparams);
        var vnc = P.GetString(h, N.VncBindAddress);
        return vnc != "" && !vnc.StartsWith('/') ? spec.NetworkPort : null;
    }

    /// <summary>Creates the taps, runs qemu and waits until its monitor answers; undoes everything on failure.</summary>
    private async Task LaunchAsync(InstanceSpec spec, KvmInstanceFiles files, IReadOnlyList<string> taps,
        IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        var created = new List<string>();
        try
        {
            for (var i = 0; i < taps.Count; i++)
            {
                await CreateTapAsync(spec, spec.Nics[i], taps[i], cancellationToken);
                created.Add(taps[i]);
            }
            var result = await runner.RunAsync(argv, options.StartTimeout, cancellationToken);
            if (!result.Succeeded)
                throw GanetiException.Exec($"Failed to start instance {spec.Name}: {result.Describe()}{LogTail(files)}");
            var pid = ReadPid(files);
            if (!KvmProcessRunner.IsQemuOf(pid, spec.Name))
                throw GanetiException.Exec($"Failed to start instance {spec.Name}: qemu exited right after starting{LogTail(files)}");
            await QmpAsync(files, _ => Task.FromResult<JsonNode?>(null), cancellationToken);
        }
        catch
        {
            await KillAndCleanAsync(files, created, CancellationToken.None);
            throw;
        }
    }

    /// <summary>What Ganeti does between exec and cont: VNC password and CPU pinning.</summary>
    private async Task ConfigureAsync(InstanceSpec spec, KvmInstanceFiles files, CancellationToken cancellationToken)
    {
        var h = spec.Hvparams;
        var passwordFile = P.GetString(h, N.VncPasswordFile);
        if (passwordFile != "" && P.GetString(h, N.VncBindAddress) != "")
        {
            string password;
            try
            {
                password = (await File.ReadAllTextAsync(passwordFile, cancellationToken)).TrimEnd('\r', '\n');
            }
            catch (IOException e)
            {
                throw NodeError($"Cannot read vnc_password_file {passwordFile}: {e.Message}");
            }
            await QmpAsync(files, q => q.ExecuteAsync("set_password",
                new JsonObject { ["protocol"] = "vnc", ["password"] = password }, cancellationToken), cancellationToken);
        }
        var groups = P.ParseCpuMask(P.GetString(h, N.CpuMask));
        if (groups.Count == 1 && groups[0] is { } all)
            await runner.RunCheckedAsync($"Pinning {spec.Name} to CPUs {P.GetString(h, N.CpuMask)}",
                ["taskset", "-a", "-p", "-c", string.Join(',', all), ReadPid(files).ToString(CultureInfo.InvariantCulture)],
                IpTimeout, cancellationToken);
        else if (groups.Count > 1)
        {
            var cpus = await QmpAsync(files, q => q.ExecuteAsync("query-cpus-fast", null, cancellationToken), cancellationToken);
            var threads = (cpus as JsonArray ?? []).Select(c => c?["thread-id"]?.GetValue<int>() ?? 0).ToList();
            for (var i = 0; i < groups.Count && i < threads.Count; i++)
            {
                if (groups[i] is not { } g) continue;
                await runner.RunCheckedAsync($"Pinning vCPU {i} of {spec.Name}",
                    ["taskset", "-p", "-c", string.Join(',', g), threads[i].ToString(CultureInfo.InvariantCulture)],
                    IpTimeout, cancellationToken);
            }
        }
    }

    public async Task StopAsync(InstanceSpec instance, bool force, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var files = Files(instance.Name);
        using var _ = await LockAsync(instance.Name, cancellationToken);
        await StopLockedAsync(files, force, timeout, cancellationToken);
    }

    private async Task StopLockedAsync(KvmInstanceFiles files, bool force, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var runtime = LoadRuntime(files);
        var pid = ReadPid(files);
        if (KvmProcessRunner.IsQemuOf(pid, files.Name) && !force)
        {
            Directory.CreateDirectory(files.CtrlDir);
            await File.WriteAllTextAsync(files.StoppingFile, Now().ToString(CultureInfo.InvariantCulture), cancellationToken);
            await SoftStopAsync(files, pid, timeout, cancellationToken);
        }
        await KillAndCleanAsync(files, runtime?.Taps ?? [], cancellationToken);
    }

    /// <summary>ACPI power button, then wait for the guest to power off (qemu then stops, -no-shutdown) or to exit.</summary>
    private async Task SoftStopAsync(KvmInstanceFiles files, int pid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            await QmpAsync(files, async q =>
            {
                await q.ExecuteAsync("system_powerdown", null, cancellationToken);
                while (DateTime.UtcNow < deadline && KvmProcessRunner.IsQemuOf(pid, files.Name))
                {
                    var status = await q.ExecuteAsync("query-status", null, cancellationToken);
                    if (status?["status"]?.GetValue<string>() == "shutdown") break;
                    var left = deadline - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero) break;
                    try
                    {
                        await q.WaitForEventAsync(e => e.Name == "SHUTDOWN", left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), cancellationToken);
                        break;
                    }
                    catch (TimeoutException)
                    {
                    }
                }
                return null;
            }, cancellationToken, timeout + options.QmpTimeout);
        }
        catch (QmpException)
        {
            // The monitor went away: qemu exited, or is wedged; the hard stop that follows copes with both.
        }
    }

    /// <summary>quit over QMP, then SIGTERM, then SIGKILL; then taps, sockets and files go.</summary>
    private async Task KillAndCleanAsync(KvmInstanceFiles files, IReadOnlyList<string> taps, CancellationToken cancellationToken)
    {
        await StopWatcherAsync(files.Name);
        var pid = ReadPid(files);
        if (KvmProcessRunner.IsQemuOf(pid, files.Name))
        {
            try
            {
                await QmpAsync(files, q => q.ExecuteAsync("quit", null, cancellationToken), cancellationToken, TimeSpan.FromSeconds(3));
            }
            catch (Exception e) when (e is QmpException or TimeoutException)
            {
            }
            if (!await WaitForExitAsync(pid, files.Name, TimeSpan.FromSeconds(3)))
            {
                KvmProcessRunner.Signal(pid, KvmProcessRunner.SigTerm);
                if (!await WaitForExitAsync(pid, files.Name, TimeSpan.FromSeconds(3)))
                {
                    KvmProcessRunner.Signal(pid, KvmProcessRunner.SigKill);
                    if (!await WaitForExitAsync(pid, files.Name, HardStopWait))
                        throw GanetiException.Exec($"qemu of instance {files.Name} (pid {pid}) did not die after SIGKILL");
                }
            }
        }
        await DeleteTapsAsync(taps, cancellationToken);
        files.DeleteAll();
    }

    private static async Task<bool> WaitForExitAsync(int pid, string name, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (KvmProcessRunner.IsQemuOf(pid, name))
        {
            if (DateTime.UtcNow >= deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>
    /// As Ganeti's kvm: a soft reboot stops the guest through ACPI (hard when it does not
    /// comply) and starts it again from its saved runtime, with the parameters it ran with.
    /// </summary>
    public async Task RebootAsync(InstanceSpec instance, CancellationToken cancellationToken)
    {
        var files = Files(instance.Name);
        KvmRuntime runtime;
        using (await LockAsync(instance.Name, cancellationToken))
        {
            if (!KvmProcessRunner.IsQemuOf(ReadPid(files), instance.Name) || LoadRuntime(files) is not { } r)
                throw GanetiException.Exec($"Failed to reboot instance {instance.Name}: not running");
            runtime = r;
            await StopLockedAsync(files, false, options.RebootShutdownTimeout, cancellationToken);
        }
        await StartAsync(runtime.Instance with { Disks = instance.Disks.Count > 0 ? instance.Disks : runtime.Instance.Disks }, false, cancellationToken);
    }

    public async Task CleanupAsync(string instanceName, CancellationToken cancellationToken)
    {
        var files = Files(instanceName);
        using var _ = await LockAsync(instanceName, cancellationToken);
        await KillAndCleanAsync(files, LoadRuntime(files)?.Taps ?? [], cancellationToken);
    }

    // ---------------------------------------------------------------- state

    public Task<IReadOnlyList<string>> ListInstancesAsync(CancellationToken cancellationToken)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var probe = Files("probe");
        if (Directory.Exists(probe.PidDir))
            foreach (var f in Directory.GetFiles(probe.PidDir))
            {
                var name = Path.GetFileName(f);
                if (KvmProcessRunner.IsQemuOf(ReadPid(Files(name)), name)) names.Add(name);
            }
        if (Directory.Exists(probe.CtrlDir))
            foreach (var f in Directory.GetFiles(probe.CtrlDir, "*.shutdown"))
                names.Add(Path.GetFileNameWithoutExtension(f));
        return Task.FromResult<IReadOnlyList<string>>([.. names]);
    }

    public async Task<HvInstanceInfo?> GetInstanceInfoAsync(string instanceName, CancellationToken cancellationToken)
    {
        var files = Files(instanceName);
        var pid = ReadPid(files);
        var runtime = LoadRuntime(files);
        if (!KvmProcessRunner.IsQemuOf(pid, instanceName))
            return File.Exists(files.UserShutdownFile)
                ? new HvInstanceInfo { Name = instanceName, State = HvState.Shutdown, MemoryMiB = 0, Vcpus = 0, UptimeSeconds = 0 }
                : null;
        EnsureWatcher(files);
        var state = HvState.Running;
        var memory = runtime?.Instance.MaxMemory ?? 0;
        try
        {
            var status = await ReadRunStatusAsync(files, cancellationToken);
            state = status switch
            {
                "running" => HvState.Running,
                "internal-error" or "guest-panicked" or "io-error" => HvState.Crashed,
                "shutdown" => HvState.Shutdown,
                _ => HvState.Paused,
            };
            if (state == HvState.Shutdown && File.Exists(files.StoppingFile))
                state = HvState.Running;
            else if (state == HvState.Shutdown)
            {
                // The guest powered off while nobody listened for the event: record it now.
                await RecordUserShutdownAsync(files, "guest-shutdown", null);
                return new HvInstanceInfo { Name = instanceName, State = HvState.Shutdown };
            }
            var balloon = await QmpAsync(files, q => q.ExecuteAsync("query-balloon", null, cancellationToken), cancellationToken);
            if (balloon?["actual"]?.GetValue<long>() is long actual)
                memory = actual / (1024 * 1024);
        }
        catch (QmpException)
        {
            // The monitor is busy or qemu is going away; the process is alive, so report what the runtime says.
        }
        return new HvInstanceInfo
        {
            Name = instanceName,
            State = state,
            MemoryMiB = memory,
            Vcpus = runtime?.Instance.Vcpus ?? 0,
            UptimeSeconds = runtime is null ? 0 : Math.Max(0, Now() - runtime.Started),
            Pid = pid,
        };
    }

    public async Task<HvNodeInfo> GetNodeInfoAsync(IReadOnlyDictionary<string, JsonElement>? hvparams, CancellationToken cancellationToken)
    {
        var info = options.NodeInfo?.Invoke() ?? HostFacts.Read();
        long used = 0;
        foreach (var i in await ((IHypervisor)this).GetAllInstancesInfoAsync(cancellationToken))
            used += i.MemoryMiB;
        var kvm = P.GetString(P.Fill(hvparams ?? new Dictionary<string, JsonElement>()), N.KvmPath);
        return info with { MemoryHv = used, Version = await QemuVersionAsync(kvm, cancellationToken) };
    }

    // `kvm --version` once per binary (and again when the binary changes on disk).
    private readonly ConcurrentDictionary<string, (DateTime Written, string? Version)> versions = new(StringComparer.Ordinal);

    private async Task<string?> QemuVersionAsync(string kvm, CancellationToken cancellationToken)
    {
        DateTime written;
        try
        {
            if (!File.Exists(kvm)) return null;
            written = File.GetLastWriteTimeUtc(kvm);
        }
        catch (IOException)
        {
            return null;
        }
        if (versions.TryGetValue(kvm, out var known) && known.Written == written)
            return known.Version;
        var result = await runner.RunAsync([kvm, "--version"], TimeSpan.FromSeconds(20), cancellationToken);
        var version = result.Succeeded ? ParseQemuVersion(result.Stdout) : null;
        versions[kvm] = (written, version);
        return version;
    }

    /// <summary>The version from `qemu --version` ("QEMU emulator version 7.2.22 (Debian ...)"), or null.</summary>
    public static string? ParseQemuVersion(string output)
    {
        var m = System.Text.RegularExpressions.Regex.Match(output, @"\bversion\s+(\d+\.\d+(?:\.\d+)?)");
        return m.Success ? m.Groups[1].Value : null;
    }

    public HvConsole GetConsole(InstanceSpec instance, string primaryNodeAddress)
    {
        var h = P.Fill(instance.Hvparams);
        var files = Files(instance.Name);
        if (P.GetBool(h, N.SerialConsole))
            return new HvConsole
            {
                Kind = "ssh",
                Instance = instance.Name,
                Host = primaryNodeAddress,
                User = "root",
                Command = ["socat", "STDIO,raw,echo=0,escape=0x1d", "UNIX-CONNECT:" + files.SerialSocket],
            };
        var vnc = P.GetString(h, N.VncBindAddress);
        if (vnc != "" && !vnc.StartsWith('/') && instance.NetworkPort is int port)
        {
            var any = IPAddress.TryParse(vnc, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));
            return new HvConsole
            {
                Kind = "vnc",
                Instance = instance.Name,
                Host = any ? primaryNodeAddress : vnc,
                Port = port,
                Display = port - 5900,
            };
        }
        if (vnc.StartsWith('/'))
            return new HvConsole
            {
                Kind = "msg",
                Instance = instance.Name,
                Message = $"VNC of {instance.Name} listens on the unix socket {files.VncSocket(vnc)} on node {primaryNodeAddress}",
            };
        return new HvConsole
        {
            Kind = "msg",
            Instance = instance.Name,
            Message = $"No console for {instance.Name}: serial_console is off and no vnc_bind_address is set",
        };
    }

    // ---------------------------------------------------------------- migration

    public async Task<JsonNode?> MigrationInfoAsync(InstanceSpec instance, CancellationToken cancellationToken)
    {
        var files = Files(instance.Name);
        var runtime = LoadRuntime(files);
        if (runtime is null || !KvmProcessRunner.IsQemuOf(ReadPid(files), instance.Name))
            throw GanetiException.Exec($"Instance {instance.Name} is not running, cannot migrate it");
        var status = await ReadRunStatusAsync(files, cancellationToken);
        runtime = runtime with { SourceWasRunning = status == "running" };
        SaveRuntime(files, runtime);
        return GanetiJson.ToNode(runtime);
    }

    public async Task AcceptInstanceAsync(InstanceSpec instance, JsonNode? migrationInfo, string targetAddress, CancellationToken cancellationToken)
    {
        var files = Files(instance.Name);
        using var _ = await LockAsync(instance.Name, cancellationToken);
        var runtime = migrationInfo?.Deserialize<KvmRuntime>(GanetiJson.Options)
                      ?? new KvmRuntime { Instance = instance with { Hvparams = P.Fill(instance.Hvparams) } };
        // The machine is the one the source runs; disk paths are this node's, when given.
        var spec = runtime.Instance with
        {
            Disks = instance.Disks.Count == runtime.Instance.Disks.Count && instance.Disks.All(d => d.Path is not null)
                ? instance.Disks
                : runtime.Instance.Disks,
        };
        var h = P.Fill(instance.Hvparams);
        var port = P.GetInt(h, N.MigrationPort);
        await PrepareLaunchAsync(spec, files, cancellationToken);
        var taps = TapNames(spec);
        var argv = KvmCommandLine.Build(spec, files, taps, MigrationUri(targetAddress, port));
        await LaunchAsync(spec, files, taps, argv, cancellationToken);
        try
        {
            var caps = P.ParseMigrationCaps(P.GetString(h, N.MigrationCaps));
            if (caps.Count > 0)
                await QmpAsync(files, q => q.ExecuteAsync("migrate-set-capabilities", Capabilities(caps), cancellationToken), cancellationToken);
            SaveRuntime(files, runtime with { Instance = spec, Taps = taps, Command = argv, Started = Now() });
        }
        catch
        {
            await KillAndCleanAsync(files, taps, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Under TCG (no hardware acceleration) qemu's live migration loses guest writes made while
    /// memory is copied: a guest that keeps dirtying memory arrives with inconsistent kernel
    /// data and hangs on the target while qemu reports it running. So without kvm acceleration
    /// the guest is paused for the copy (a non-live migration), and the caller is told so.
    /// </summary>
    public async Task<bool> MigrateAsync(InstanceSpec instance, string targetAddress, bool live, CancellationToken cancellationToken)
    {
        var files = Files(instance.Name);
        if (!KvmProcessRunner.IsQemuOf(ReadPid(files), instance.Name))
            throw GanetiException.Exec($"Instance {instance.Name} is not running, cannot migrate it");
        var h = P.Fill(instance.Hvparams);
        var caps = P.ParseMigrationCaps(P.GetString(h, N.MigrationCaps));
        await QmpAsync(files, async q =>
        {
            if (live && (await q.ExecuteAsync("query-kvm", null, cancellationToken))?["enabled"]?.GetValue<bool>() != true)
                live = false;
            if (!live)
                await q.ExecuteAsync("stop", null, cancellationToken);
            if (caps.Count > 0)
                await q.ExecuteAsync("migrate-set-capabilities", Capabilities(caps), cancellationToken);
            await q.ExecuteAsync("migrate-set-parameters", new JsonObject
            {
                ["max-bandwidth"] = (long)P.GetInt(h, N.MigrationBandwidth) * 1024 * 1024,
                ["downtime-limit"] = P.GetInt(h, N.MigrationDowntime),
            }, cancellationToken);
            await q.ExecuteAsync("migrate", new JsonObject
            {
                ["uri"] = MigrationUri(targetAddress, P.GetInt(h, N.MigrationPort)),
            }, cancellationToken);
            return null;
        }, cancellationToken);
        return live;
    }

    public async Task<HvMigrationStatus> GetMigrationStatusAsync(InstanceSpec instance, CancellationToken cancellationToken)
    {
        var files = Files(instance.Name);
        if (!KvmProcessRunner.IsQemuOf(ReadPid(files), instance.Name))
            return new HvMigrationStatus { Status = "failed", Error = $"qemu of {instance.Name} is not running on the source" };
        var info = await QmpAsync(files, q => q.ExecuteAsync("query-migrate", null, cancellationToken), cancellationToken);
        var qemuStatus = info?["status"]?.GetValue<string>() ?? "none";
        var status = qemuStatus switch
        {
            "completed" => "completed",
            "failed" => "failed",
            "cancelled" => "cancelled",
            "setup" => "setup",
            "none" => "failed",
            _ => "active",
        };
        var ram = info?["ram"];
        return new HvMigrationStatus
        {
            Status = status,
            TransferredRam = ram?["transferred"]?.GetValue<long>() ?? 0,
            TotalRam = ram?["total"]?.GetValue<long>() ?? 0,
            DowntimeMs = info?["downtime"]?.GetValue<long>(),
            Error = qemuStatus == "none" ? "no migration was started" : info?["error-desc"]?.GetValue<string>(),
        };
    }

    public async Task FinalizeMigrationDstAsync(InstanceSpec instance, JsonNode? migrationInfo, bool success, CancellationToken cancellationToken)
    {
        var files = Files(instance.Name);
        using var _ = await LockAsync(instance.Name, cancellationToken);
        var runtime = LoadRuntime(files);
        if (!success)
        {
            await KillAndCleanAsync(files, runtime?.Taps ?? [], cancellationToken);
            return;
        }
        if (runtime is null || !KvmProcessRunner.IsQemuOf(ReadPid(files), instance.Name))
            throw GanetiException.Exec($"The migrated instance {instance.Name} is not running on the target node");
        // The source reports completion a moment before the target has loaded the last state.
        var deadline = DateTime.UtcNow + options.QmpTimeout;
        string status;
        while ((status = await ReadRunStatusAsync(files, cancellationToken)) == "inmigrate" && DateTime.UtcNow < deadline)
            await Task.Delay(100, cancellationToken);
        if (status == "inmigrate")
            throw GanetiException.Exec($"Instance {instance.Name} is still receiving its migration on the target");
        if (status != "running" && runtime.SourceWasRunning)
            await QmpAsync(files, q => q.ExecuteAsync("cont", null, cancellationToken), cancellationToken);
        SaveRuntime(files, runtime with { Started = Now() });
        EnsureWatcher(files);
    }

    public async Task FinalizeMigrationSourceAsync(InstanceSpec instance, bool success, bool live, CancellationToken cancellationToken)
    {
        var files = Files(instance.Name);
        using var _ = await LockAsync(instance.Name, cancellationToken);
        var runtime = LoadRuntime(files);
        if (success)
        {
            await KillAndCleanAsync(files, runtime?.Taps ?? [], cancellationToken);
            return;
        }
        if (!KvmProcessRunner.IsQemuOf(ReadPid(files), instance.Name))
            throw GanetiException.Exec($"Instance {instance.Name} is no longer running on the source after the failed migration");
        await CancelMigrationAsync(files, cancellationToken);
        var status = await ReadRunStatusAsync(files, cancellationToken);
        if (status != "running" && (runtime?.SourceWasRunning ?? true))
            await QmpAsync(files, q => q.ExecuteAsync("cont", null, cancellationToken), cancellationToken);
        EnsureWatcher(files);
    }

    public async Task AbortMigrationAsync(InstanceSpec instance, CancellationToken cancellationToken)
    {
        var files = Files(instance.Name);
        if (!KvmProcessRunner.IsQemuOf(ReadPid(files), instance.Name))
            throw GanetiException.Exec($"Instance {instance.Name} is not running, no migration to abort");
        await CancelMigrationAsync(files, cancellationToken);
    }

    /// <summary>migrate_cancel, then wait until qemu has left the active states.</summary>
    private async Task CancelMigrationAsync(KvmInstanceFiles files, CancellationToken cancellationToken)
    {
        await QmpAsync(files, async q =>
        {
            var deadline = DateTime.UtcNow + options.QmpTimeout;
            var cancelled = false;
            while (true)
            {
                var status = (await q.ExecuteAsync("query-migrate", null, cancellationToken))?["status"]?.GetValue<string>() ?? "none";
                if (status is "none" or "completed" or "failed" or "cancelled") return null;
                if (!cancelled)
                {
                    await q.ExecuteAsync("migrate_cancel", null, cancellationToken);
                    cancelled = true;
                }
                if (DateTime.UtcNow > deadline)
                    throw GanetiException.Exec($"Migration of {files.Name} is still '{status}' after migrate_cancel");
                await Task.Delay(100, cancellationToken);
            }
        }, cancellationToken);
    }

    private static JsonObject Capabilities(IEnumerable<string> caps) => new()
    {
        ["capabilities"] = new JsonArray(caps.Select(c => (JsonNode)new JsonObject { ["capability"] = c, ["state"] = true }).ToArray()),
    };

    private static string MigrationUri(string address, int port) =>
        IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
            ? $"tcp:[{address}]:{port}"
            : $"tcp:{address}:{port}";

    // ---------------------------------------------------------------- memory and disks

    public async Task BalloonMemoryAsync(InstanceSpec instance, long memoryMiB, CancellationToken cancellationToken)
    {
        var files = Files(instance.Name);
        if (!KvmProcessRunner.IsQemuOf(ReadPid(files), instance.Name))
            throw GanetiException.Exec($"Instance {instance.Name} is not running");
        await QmpAsync(files, q => q.ExecuteAsync("balloon", new JsonObject { ["value"] = memoryMiB * 1024 * 1024 }, cancellationToken),
            cancellationToken);
    }

    public async Task ResizeDiskAsync(InstanceSpec instance, DiskSpec disk, long newSizeMiB, CancellationToken cancellationToken)
    {
        var files = Files(instance.Name);
        if (!KvmProcessRunner.IsQemuOf(ReadPid(files), instance.Name))
            return;
        await QmpAsync(files, q => q.ExecuteAsync("block_resize", new JsonObject
        {
            ["node-name"] = KvmCommandLine.DeviceId("disk", disk.Uuid, disk.Index),
            ["size"] = newSizeMiB * 1024 * 1024,
        }, cancellationToken), cancellationToken);
    }

    // ---------------------------------------------------------------- guest-initiated shutdown

    private void EnsureWatcher(KvmInstanceFiles files)
    {
        if (watchers.TryGetValue(files.Name, out var w) && w.IsRunning) return;
        var watcher = KvmEventWatcher.Start(files.EventSocket, (client, e) =>
            OnGuestShutdownAsync(files, client, e));
        watchers[files.Name] = watcher;
    }

    private async Task StopWatcherAsync(string name)
    {
        if (watchers.TryRemove(name, out var w))
            await w.DisposeAsync();
    }

    private async Task OnGuestShutdownAsync(KvmInstanceFiles files, QmpClient client, QmpEvent e)
    {
        if (File.Exists(files.StoppingFile)) return;
        await RecordUserShutdownAsync(files, e.Data?["reason"]?.GetValue<string>() ?? "guest-shutdown", client);
    }

    /// <summary>
    /// The guest stopped itself: leave the marker that makes it USER_down, end its stopped
    /// qemu and release its taps. The runtime stays until the instance is started or stopped.
    /// </summary>
    private async Task RecordUserShutdownAsync(KvmInstanceFiles files, string reason, QmpClient? client)
    {
        var runtime = LoadRuntime(files);
        await File.WriteAllTextAsync(files.UserShutdownFile,
            new JsonObject { ["reason"] = reason, ["time"] = Now() }.ToJsonString());
        var pid = ReadPid(files);
        try
        {
            if (client is not null) await client.ExecuteAsync("quit");
            else await QmpAsync(files, q => q.ExecuteAsync("quit"), CancellationToken.None, TimeSpan.FromSeconds(3));
        }
        catch (QmpException)
        {
        }
        if (!await WaitForExitAsync(pid, files.Name, TimeSpan.FromSeconds(5)))
            KvmProcessRunner.Signal(pid, KvmProcessRunner.SigKill);
        await DeleteTapsAsync(runtime?.Taps ?? [], CancellationToken.None);
    }

    // ---------------------------------------------------------------- taps

    /// <summary>Tap names from the instance name: unique per node, the same on both sides of a migration, at most 15 characters.</summary>
    public static IReadOnlyList<string> TapNames(InstanceSpec instance)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(instance.Name)))[..8];
        return [.. instance.Nics.Select((_, i) => $"gnt{hash}.{i}")];
    }

    private async Task CreateTapAsync(InstanceSpec spec, NicSpec nic, string tap, CancellationToken cancellationToken)
    {
        var h = spec.Hvparams;
        var queues = P.GetInt(h, N.VirtioNetQueues);
        await runner.RunAsync(["ip", "link", "del", "dev", tap], IpTimeout, cancellationToken);
        var add = new List<string> { "ip", "tuntap", "add", "dev", tap, "mode", "tap" };
        if (P.GetString(h, N.NicType) == "paravirtual" && queues > 1) add.Add("multi_queue");
        if (P.GetString(h, N.NicType) == "paravirtual" && P.GetBool(h, N.VnetHdr)) add.Add("vnet_hdr");
        await runner.RunCheckedAsync($"Creating tap {tap} for {spec.Name}", add, IpTimeout, cancellationToken);
        switch (nic.Mode)
        {
            case "bridged":
                if (nic.Link != "")
                {
                    var r = await runner.RunAsync(["ip", "link", "set", "dev", tap, "master", nic.Link], IpTimeout, cancellationToken);
                    if (!r.Succeeded)
                        throw GanetiException.Prereq(
                            $"Cannot attach {spec.Name}'s NIC {nic.Mac} to bridge {nic.Link} on this node: {r.Describe()}", ErrorCodes.Environment);
                }
                break;
            case "routed":
                break;
            case "openvswitch":
                var ovs = new List<string> { "ovs-vsctl", "--may-exist", "add-port", nic.Link, tap };
                if (nic.Vlan.TrimStart('.') is { Length: > 0 } tag && tag.All(char.IsAsciiDigit)) ovs.Add("tag=" + tag);
                await runner.RunCheckedAsync($"Adding {tap} to Open vSwitch {nic.Link}", ovs, IpTimeout, cancellationToken);
                break;
            default:
                throw GanetiException.WrongInput($"Unknown NIC mode '{nic.Mode}' for {spec.Name}");
        }
        await runner.RunCheckedAsync($"Bringing up tap {tap}", ["ip", "link", "set", "dev", tap, "up"], IpTimeout, cancellationToken);
        if (nic.Mode == "routed" && nic.Ip is { Length: > 0 } ip)
        {
            var route = new List<string> { "ip", "route", "replace", ip, "dev", tap };
            if (nic.Link != "") route.AddRange(["table", nic.Link]);
            await runner.RunCheckedAsync($"Routing {ip} to {tap}", route, IpTimeout, cancellationToken);
        }
    }

    private async Task DeleteTapsAsync(IReadOnlyList<string> taps, CancellationToken cancellationToken)
    {
        foreach (var tap in taps)
            await runner.RunAsync(["ip", "link", "del", "dev", tap], IpTimeout, cancellationToken);
    }

    // ---------------------------------------------------------------- plumbing

    private async Task<JsonNode?> QmpAsync(KvmInstanceFiles files, Func<QmpClient, Task<JsonNode?>> action,
        CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var gate = monitorLocks.GetOrAdd(files.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var client = await QmpClient.ConnectAsync(files.QmpSocket, options.QmpTimeout, cancellationToken);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout ?? options.QmpTimeout);
            try
            {
                return await action(client).WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new QmpException($"QMP on {files.QmpSocket} did not answer in time");
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<string> ReadRunStatusAsync(KvmInstanceFiles files, CancellationToken cancellationToken)
    {
        var status = await QmpAsync(files, q => q.ExecuteAsync("query-status", null, cancellationToken), cancellationToken);
        return status?["status"]?.GetValue<string>() ?? "unknown";
    }

    private static int ReadPid(KvmInstanceFiles files)
    {
        try
        {
            return int.TryParse(File.ReadAllText(files.PidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static KvmRuntime? LoadRuntime(KvmInstanceFiles files)
    {
        try
        {
            return GanetiJson.Deserialize<KvmRuntime>(File.ReadAllBytes(files.RuntimeFile));
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void SaveRuntime(KvmInstanceFiles files, KvmRuntime runtime)
    {
        Directory.CreateDirectory(files.ConfDir);
        var tmp = files.RuntimeFile + ".tmp";
        File.WriteAllBytes(tmp, GanetiJson.SerializeToUtf8(runtime, indented: true));
        File.Move(tmp, files.RuntimeFile, overwrite: true);
    }

    private static string LogTail(KvmInstanceFiles files)
    {
        try
        {
            var lines = File.ReadLines(files.LogFile).TakeLast(5).Where(l => l.Trim().Length > 0).ToList();
            return lines.Count == 0 ? "" : "; qemu log: " + string.Join("; ", lines);
        }
        catch (IOException)
        {
            return "";
        }
    }

    private async Task<IDisposable> LockAsync(string name, CancellationToken cancellationToken)
    {
        var gate = instanceLocks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) gate.Release();
        }
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private static GanetiException NodeError(string message) => GanetiException.Prereq(message, ErrorCodes.Environment);

    /// <summary>Stops listening for events; the instances keep running.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var name in watchers.Keys.ToList())
            await StopWatcherAsync(name);
    }
}
