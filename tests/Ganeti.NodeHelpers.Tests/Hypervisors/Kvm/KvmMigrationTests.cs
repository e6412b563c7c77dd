using Ganeti.Remoting.NodeRpc.Messages;

namespace Ganeti.NodeHelpers.Tests.Hypervisors.Kvm;

[Collection(KvmGuestCollection.Name)]
public sealed class KvmMigrationTests
{
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Live_then_non_live_migration_between_two_nodes_keeps_the_guest_and_its_memory()
    {
        await using var lab = await KvmLab.CreateAsync(2);
        var (a, b) = (lab.Nodes[0], lab.Nodes[1]);
        var spec = KvmLab.Instance("mover", disks: [lab.SharedDisk("mover.disk")]);
        await a.Hypervisor.StartAsync(spec, paused: false, CancellationToken.None);
        await using (var console = await SerialConsole.ConnectAsync(a.Files("mover").SerialSocket, TimeSpan.FromSeconds(5)))
        {
            await console.WaitForAsync(TestGuest.ReadyMarker, Boot);
            await console.RunAsync("echo SECRET-4711 > /tmp/value; echo WROTE-OK", "WROTE-OK", TimeSpan.FromSeconds(20));
        }

        var status = await MigrateAsync(a, b, spec, live: true);
        Assert.Equal("completed", status.Status);
        Assert.True(status.TotalRam > 0);
        Assert.Null(await a.Hypervisor.GetInstanceInfoAsync("mover", CancellationToken.None));
        Assert.DoesNotContain("gnt", KvmLab.Links(a.Namespace));
        Assert.Equal(HvState.Running, (await b.Hypervisor.GetInstanceInfoAsync("mover", CancellationToken.None))?.State);
        await using (var console = await SerialConsole.ConnectAsync(b.Files("mover").SerialSocket, TimeSpan.FromSeconds(5)))
        {
            await console.RunAsync("echo \"READ=$(cat /tmp/value)\"", "READ=SECRET-4711", TimeSpan.FromSeconds(30));
            await console.RunAsync("echo SECOND-VALUE > /tmp/value; echo WROTE-AGAIN", "WROTE-AGAIN", TimeSpan.FromSeconds(20));
        }

        status = await MigrateAsync(b, a, spec, live: false);
        Assert.Equal("completed", status.Status);
        Assert.Null(await b.Hypervisor.GetInstanceInfoAsync("mover", CancellationToken.None));
        Assert.Equal(HvState.Running, (await a.Hypervisor.GetInstanceInfoAsync("mover", CancellationToken.None))?.State);
        await using (var console = await SerialConsole.ConnectAsync(a.Files("mover").SerialSocket, TimeSpan.FromSeconds(5)))
            await console.RunAsync("echo \"READ=$(cat /tmp/value)\"", "READ=SECOND-VALUE", TimeSpan.FromSeconds(30));

        await a.Hypervisor.StopAsync(spec, force: true, TimeSpan.Zero, CancellationToken.None);
    }

    [Fact]
    public async Task Aborted_and_failed_migrations_leave_the_guest_running_on_the_source_and_no_qemu_on_the_target()
    {
        await using var lab = await KvmLab.CreateAsync(2);
        var (a, b) = (lab.Nodes[0], lab.Nodes[1]);
        // 1 MiB/s for 256 MiB: the migration is still running when it is aborted.
        var spec = KvmLab.Instance("stayer", h => h["migration_bandwidth"] = KvmLab.J(1), memory: 256);
        await a.Hypervisor.StartAsync(spec, paused: false, CancellationToken.None);
        await using var console = await SerialConsole.ConnectAsync(a.Files("stayer").SerialSocket, TimeSpan.FromSeconds(5));
        await console.WaitForAsync(TestGuest.ReadyMarker, Boot);
        // Dirty memory continuously so the migration cannot finish from zero pages alone.
        await console.RunAsync("(while :; do dd if=/dev/urandom of=/tmp/churn bs=1M count=8 2>/dev/null; done) & echo CHURN-ON", "CHURN-ON", TimeSpan.FromSeconds(20));

        var info = await a.Hypervisor.MigrationInfoAsync(spec, CancellationToken.None);
        await b.Hypervisor.AcceptInstanceAsync(spec, info, b.Address, CancellationToken.None);
        Assert.Equal(["stayer"], await b.Hypervisor.ListInstancesAsync(CancellationToken.None));
        await a.Hypervisor.MigrateAsync(spec, b.Address, live: true, CancellationToken.None);
        HvMigrationStatus status;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((status = await a.Hypervisor.GetMigrationStatusAsync(spec, CancellationToken.None)).TransferredRam == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"migration did not progress: {status}");
            await Task.Delay(200);
        }
        Assert.Equal("active", status.Status);
        await a.Hypervisor.AbortMigrationAsync(spec, CancellationToken.None);
        Assert.Equal("cancelled", (await a.Hypervisor.GetMigrationStatusAsync(spec, CancellationToken.None)).Status);
        await b.Hypervisor.FinalizeMigrationDstAsync(spec, info, success: false, CancellationToken.None);
        await a.Hypervisor.FinalizeMigrationSourceAsync(spec, success: false, live: true, CancellationToken.None);

        Assert.Empty(await b.Hypervisor.ListInstancesAsync(CancellationToken.None));
        Assert.DoesNotContain("gnt", KvmLab.Links(b.Namespace));
        Assert.False(File.Exists(b.Files("stayer").PidFile));
        Assert.Equal(HvState.Running, (await a.Hypervisor.GetInstanceInfoAsync("stayer", CancellationToken.None))?.State);
        await console.RunAsync("echo \"ALIVE=$((40+2))\"", "ALIVE=42", TimeSpan.FromSeconds(30));

        // A migration that fails (nobody listens on the target) also leaves the source running.
        await a.Hypervisor.MigrateAsync(spec, b.Address, live: false, CancellationToken.None);
        deadline = DateTime.UtcNow.AddSeconds(30);
        while ((status = await a.Hypervisor.GetMigrationStatusAsync(spec, CancellationToken.None)).Status is "active" or "setup")
        {
            Assert.True(DateTime.UtcNow < deadline, $"migration to a closed port did not fail: {status}");
            await Task.Delay(200);
        }
        Assert.Equal("failed", status.Status);
        await a.Hypervisor.FinalizeMigrationSourceAsync(spec, success: false, live: false, CancellationToken.None);
        Assert.Equal(HvState.Running, (await a.Hypervisor.GetInstanceInfoAsync("stayer", CancellationToken.None))?.State);
        await console.RunAsync("echo \"STILL=$((40+3))\"", "STILL=43", TimeSpan.FromSeconds(30));

        await a.Hypervisor.StopAsync(spec, force: true, TimeSpan.Zero, CancellationToken.None);
    }

    /// <summary>Ganeti's sequence: info on the source, accept on the target, migrate, poll, finalize both.</summary>
    internal static async Task<HvMigrationStatus> MigrateAsync(KvmLab.LabNode source, KvmLab.LabNode target, InstanceSpec spec, bool live)
    {
        var info = await source.Hypervisor.MigrationInfoAsync(spec, CancellationToken.None);
        await target.Hypervisor.AcceptInstanceAsync(spec, info, target.Address, CancellationToken.None);
        // The lab's guests run under TCG (kvm_flag disabled), where the driver never copies a running guest.
        Assert.False(await source.Hypervisor.MigrateAsync(spec, target.Address, live, CancellationToken.None));
        HvMigrationStatus status;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((status = await source.Hypervisor.GetMigrationStatusAsync(spec, CancellationToken.None)).Status is "active" or "setup")
        {
            Assert.True(DateTime.UtcNow < deadline, "migration did not finish in 2 minutes");
            await Task.Delay(100);
        }
        var success = status.Status == "completed";
        await target.Hypervisor.FinalizeMigrationDstAsync(spec, info, success, CancellationToken.None);
        await source.Hypervisor.FinalizeMigrationSourceAsync(spec, success, live, CancellationToken.None);
        return status;
    }
}
