// KvmBench: start-to-running latency and live-migration time and downtime of the kvm driver
// on real qemu (TCG), between two network-namespace nodes on this machine.
//
//   dotnet run -c Release --project bench/KvmBench [-- --quick]
//
// Needs root (namespaces, taps), qemu-system-x86 and what tests/guest/make-guest.sh needs.
using System.Diagnostics;
using System.Globalization;
using Ganeti.NodeHelpers.Tests.Hypervisors.Kvm;
using Ganeti.Remoting.NodeRpc.Messages;

var quick = args.Contains("--quick");
var probeRounds = args.SkipWhile(a => a != "--serial-probe").Skip(1).Select(int.Parse).FirstOrDefault();
// The probe's variants: tcg (qemu's default multi-threaded TCG), tcg-single (one TCG thread),
// kvm (hardware acceleration, where /dev/kvm works), non-live (the guest paused during the copy).
var probeMode = args.SkipWhile(a => a != "--probe-mode").Skip(1).FirstOrDefault() ?? "tcg";
var ct = CancellationToken.None;
var migrationTimeout = TimeSpan.FromSeconds(quick ? 30 : 60);
Console.WriteLine($"KvmBench on {Environment.ProcessorCount} CPUs, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, TCG");
Console.WriteLine("(under TCG the kvm driver migrates non-live: the downtime shown is then the whole copy)");

await using var lab = await KvmLab.CreateAsync(2);
var (a, b) = (lab.Nodes[0], lab.Nodes[1]);
if (probeRounds > 0)
    return await SerialProbeAsync(probeRounds);

// ---- start-to-running latency
Console.WriteLine();
Console.WriteLine("start (128 MiB)        StartAsync→running   →GNT-GUEST-READY on serial");
for (var i = 0; i < (quick ? 1 : 3); i++)
{
    var spec = KvmLab.Instance($"lat{i}", mac: $"aa:00:00:00:01:{i:x2}");
    var sw = Stopwatch.StartNew();
    await a.Hypervisor.StartAsync(spec, false, ct);
    var running = sw.Elapsed;
    await using (var console = await SerialConsole.ConnectAsync(a.Files(spec.Name).SerialSocket, TimeSpan.FromSeconds(5)))
        await console.WaitForAsync(TestGuest.ReadyMarker, TimeSpan.FromMinutes(2));
    var ready = sw.Elapsed;
    Console.WriteLine($"  run {i + 1}                {Ms(running),10}          {Ms(ready),10}");
    await a.Hypervisor.StopAsync(spec, true, TimeSpan.Zero, ct);
}

// ---- live migration
Console.WriteLine();
Console.WriteLine("live migration          bandwidth   total time    downtime   RAM sent");
foreach (var memory in new long[] { 128, 512 })
{
    var name = $"mig{memory}";
    var spec = KvmLab.Instance(name, memory: memory, mac: $"aa:00:00:00:02:{memory % 256:x2}");
    await a.Hypervisor.StartAsync(spec, false, ct);
    var console = await SerialConsole.ConnectAsync(a.Files(name).SerialSocket, TimeSpan.FromSeconds(5));
    await console.WaitForAsync(TestGuest.ReadyMarker, TimeSpan.FromMinutes(2));
    var (source, target) = (a, b);
    foreach (var workload in new[] { "idle", "dirty" })
    {
        if (workload == "dirty")
        {
            // Rewrites 16 MiB of non-zero page cache once a second.
            await console.RunAsync(
                "dd if=/dev/urandom of=/tmp/rand bs=1M count=16 2>/dev/null; (while :; do cp /tmp/rand /tmp/copy; sleep 1; done) & echo DIRTY-ON",
                "DIRTY-ON", TimeSpan.FromMinutes(2));
        }
        foreach (var bandwidth in new[] { 32, 256 })
        {
            var s = spec with { Hvparams = new(spec.Hvparams) { ["migration_bandwidth"] = KvmLab.J(bandwidth) } };
            var (status, total) = await MigrateAsync(source, target, s);
            var label = $"{memory} MiB {workload}";
            Console.WriteLine(status.Status == "completed"
                ? $"  {label,-20} {bandwidth,5} MiB/s {Ms(total),11} {status.DowntimeMs,8} ms {status.TransferredRam / 1048576.0,7:0.0} MiB"
                : $"  {label,-20} {bandwidth,5} MiB/s   {status.Status} after {Ms(total)} ({status.TransferredRam / 1048576.0:0.0} MiB sent, {status.Error})");
            if (status.Status == "completed")
            {
                (source, target) = (target, source);
                await console.DisposeAsync();
                console = await SerialConsole.ConnectAsync(source.Files(name).SerialSocket, TimeSpan.FromSeconds(5));
                try
                {
                    await console.RunAsync("echo \"ALIVE=$((1+1))\"", "ALIVE=2", TimeSpan.FromSeconds(30));
                }
                catch (TimeoutException)
                {
                    var state = await source.Hypervisor.GetInstanceInfoAsync(name, ct);
                    Console.WriteLine($"    guest did not answer on its serial console after the migration (state {state?.State ?? "gone"})");
                    if (Environment.GetEnvironmentVariable("KVMBENCH_PROBE") == "1")
                    {
                        // Does the guest still read its console? A poweroff it executes shows as a user shutdown.
                        await console.SendLineAsync("poweroff -f");
                        await Task.Delay(TimeSpan.FromSeconds(20));
                        state = await source.Hypervisor.GetInstanceInfoAsync(name, ct);
                        Console.WriteLine($"    after sending poweroff: {state?.State ?? "gone"}; console output: {console.Output.Length} chars");
                        return 1;
                    }
                }
            }
        }
    }
    await console.DisposeAsync();
    await source.Hypervisor.StopAsync(spec, true, TimeSpan.Zero, ct);
}
return 0;

async Task<(HvMigrationStatus, TimeSpan)> MigrateAsync(KvmLab.LabNode source, KvmLab.LabNode target, InstanceSpec spec, bool live = true)
{
    var info = await source.Hypervisor.MigrationInfoAsync(spec, ct);
    await target.Hypervisor.AcceptInstanceAsync(spec, info, target.Address, ct);
    var sw = Stopwatch.StartNew();
    // Under TCG the driver pauses the guest for the copy: then the whole copy is downtime.
    live = await source.Hypervisor.MigrateAsync(spec, target.Address, live, ct);
    HvMigrationStatus status;
    while ((status = await source.Hypervisor.GetMigrationStatusAsync(spec, ct)).Status is "active" or "setup")
    {
        if (sw.Elapsed > migrationTimeout)
        {
            await source.Hypervisor.AbortMigrationAsync(spec, ct);
            status = await source.Hypervisor.GetMigrationStatusAsync(spec, ct) with
            {
                Status = "no convergence",
                Error = $"aborted after {migrationTimeout.TotalSeconds:0} s",
            };
            break;
        }
        await Task.Delay(20);
    }
    var elapsed = sw.Elapsed;
    var ok = status.Status == "completed";
    if (ok && !live)
        status = status with { DowntimeMs = (long)elapsed.TotalMilliseconds };
    await target.Hypervisor.FinalizeMigrationDstAsync(spec, info, ok, ct);
    await source.Hypervisor.FinalizeMigrationSourceAsync(spec, ok, live, ct);
    return (status, elapsed);
}

// Repeated live migrations of a dirtying 128 MiB guest; after each, the console is checked and,
// when it does not answer, the guest is examined through QMP: run state, whether its vCPU
// moves, and whether it still reacts to the ACPI power button.
async Task<int> SerialProbeAsync(int rounds)
{
    // Without address randomisation, so a stuck RIP maps to System.map.
    var spec = KvmLab.Instance("probe", h =>
    {
        h["kernel_args"] = KvmLab.J("quiet nokaslr");
        if (probeMode == "tcg-single")
        {
            h["kvm_flag"] = KvmLab.J("");
            h["kvm_extra"] = KvmLab.J("-accel tcg,thread=single");
        }
        else if (probeMode == "kvm")
            h["kvm_flag"] = KvmLab.J("enabled");
    }, memory: 128, mac: "aa:00:00:00:03:01");
    Console.WriteLine($"serial probe: {rounds} live migrations of a dirtying 128 MiB guest, mode {probeMode}");
    await a.Hypervisor.StartAsync(spec, false, ct);
    var console = await SerialConsole.ConnectAsync(a.Files("probe").SerialSocket, TimeSpan.FromSeconds(5));
    await console.WaitForAsync(TestGuest.ReadyMarker, TimeSpan.FromMinutes(2));
    await console.RunAsync(
        "dd if=/dev/urandom of=/tmp/rand bs=1M count=16 2>/dev/null; (while :; do cp /tmp/rand /tmp/copy; sleep 1; done) & echo DIRTY-ON",
        "DIRTY-ON", TimeSpan.FromMinutes(2));
    var (source, target) = (a, b);
    var failures = 0;
    for (var round = 1; round <= rounds; round++)
    {
        var s = spec with { Hvparams = new(spec.Hvparams) { ["migration_bandwidth"] = KvmLab.J(32) } };
        var (status, total) = await MigrateAsync(source, target, s, live: probeMode != "non-live");
        if (status.Status != "completed")
        {
            Console.WriteLine($"  round {round}: {status.Status} ({status.Error})");
            continue;
        }
        (source, target) = (target, source);
        await console.DisposeAsync();
        console = await SerialConsole.ConnectAsync(source.Files("probe").SerialSocket, TimeSpan.FromSeconds(5));
        try
        {
            await console.RunAsync($"echo \"ROUND=$(({round}*10))\"", $"ROUND={round * 10}", TimeSpan.FromSeconds(20));
            Console.WriteLine($"  round {round}: {Ms(total)}, downtime {status.DowntimeMs} ms, {status.TransferredRam / 1048576.0:0.0} MiB: answered");
        }
        catch (TimeoutException)
        {
            failures++;
            Console.WriteLine($"  round {round}: {Ms(total)}, downtime {status.DowntimeMs} ms: NO ANSWER on the serial console");
            await DiagnoseAsync(source, console);
            break;
        }
    }
    await console.DisposeAsync();
    await source.Hypervisor.StopAsync(spec, true, TimeSpan.Zero, ct);
    Console.WriteLine($"serial probe: {failures} silent guest(s)");
    return failures == 0 ? 0 : 1;
}

async Task DiagnoseAsync(KvmLab.LabNode node, SerialConsole console)
{
    await using var q = await Ganeti.NodeHelpers.Hypervisors.Kvm.QmpClient.ConnectAsync(node.Files("probe").QmpSocket, TimeSpan.FromSeconds(5), ct);
    async Task<string> Hmp(string command) =>
        (await q.ExecuteAsync("human-monitor-command", new System.Text.Json.Nodes.JsonObject { ["command-line"] = command }, ct))?.GetValue<string>() ?? "";
    Console.WriteLine($"    query-status: {(await q.ExecuteAsync("query-status", null, ct))?.ToJsonString()}");
    for (var i = 0; i < 3; i++)
    {
        var regs = await Hmp("info registers");
        Console.WriteLine("    " + string.Join(' ', regs.Split('\n').Where(l => l.StartsWith("RAX") || l.StartsWith("RIP") || l.StartsWith("RSP")).Select(l => l.Trim())));
        await Task.Delay(500);
    }
    var rsp = (await Hmp("info registers")).Split('\n').SelectMany(l => l.Split(' ')).First(w => w.StartsWith("RSP=")).Substring(4);
    Console.WriteLine("    stack:\n      " + (await Hmp($"x/64gx 0x{rsp}")).Trim().Replace("\n", "\n      "));
    Console.WriteLine("    info irq before input:\n      " + (await Hmp("info irq")).Trim().Replace("\n", "\n      "));
    await console.SendLineAsync("echo PROBE-AGAIN");
    await Task.Delay(2000);
    Console.WriteLine("    info irq after input:\n      " + (await Hmp("info irq")).Trim().Replace("\n", "\n      "));
    Console.WriteLine("    info pic:\n      " + (await Hmp("info pic")).Trim().Replace("\n", "\n      "));
    var before = console.Output.Length;
    await q.ExecuteAsync("system_powerdown", null, ct);
    await Task.Delay(TimeSpan.FromSeconds(15));
    Console.WriteLine($"    after system_powerdown: {(await q.ExecuteAsync("query-status", null, ct))?.ToJsonString()}; console printed: '{console.Output[before..].Trim()}'");
    Console.WriteLine($"    console output since reconnect: '{console.Output.Trim()}'");
}

static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
