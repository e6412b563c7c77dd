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
var ct = CancellationToken.None;
var migrationTimeout = TimeSpan.FromSeconds(quick ? 30 : 60);
Console.WriteLine($"KvmBench on {Environment.ProcessorCount} CPUs, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, TCG");

await using var lab = await KvmLab.CreateAsync(2);
var (a, b) = (lab.Nodes[0], lab.Nodes[1]);

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

async Task<(HvMigrationStatus, TimeSpan)> MigrateAsync(KvmLab.LabNode source, KvmLab.LabNode target, InstanceSpec spec)
{
    var info = await source.Hypervisor.MigrationInfoAsync(spec, ct);
    await target.Hypervisor.AcceptInstanceAsync(spec, info, target.Address, ct);
    var sw = Stopwatch.StartNew();
    await source.Hypervisor.MigrateAsync(spec, target.Address, live: true, ct);
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
    await target.Hypervisor.FinalizeMigrationDstAsync(spec, info, ok, ct);
    await source.Hypervisor.FinalizeMigrationSourceAsync(spec, ok, true, ct);
    return (status, elapsed);
}

static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
