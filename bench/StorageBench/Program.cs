// StorageBench: disk create/wipe throughput and disk stream throughput, each next to the
// plain tool doing the same work on this machine (dd, socat) as the physical reference.
// With --netns, also between two network-namespace nodes of a lab (root; see NetnsStreams).
// Usage: StorageBench [size-MiB] [work-dir] [--netns]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Ganeti.Bench.Storage;
using Ganeti.NodeHelpers.ImportExport;
using Ganeti.NodeHelpers.Processes;
using Ganeti.NodeHelpers.Storage;

var netns = args.Contains("--netns");
args = [.. args.Where(a => a != "--netns")];
var sizeMiB = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 512;
var dir = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "storage-bench-" + Environment.ProcessId);
Directory.CreateDirectory(dir);
var runner = ProcessCommandRunner.Instance;
var bytes = (long)sizeMiB << 20;

Console.WriteLine($"StorageBench: {sizeMiB} MiB per run in {dir}, {Environment.ProcessorCount} CPUs");
Console.WriteLine($"{"operation",-44} {"MiB/s",9} {"CPU s",7} {"wall s",7}");

void Row(string what, double seconds, TimeSpan cpu, long moved) =>
    Console.WriteLine($"{what,-44} {moved / 1048576.0 / seconds,9:F1} {cpu.TotalSeconds,7:F2} {seconds,7:F2}");

async Task<(double Seconds, TimeSpan Cpu)> Measure(Func<Task> work)
{
    var cpu0 = ChildCpu.Self() + ChildCpu.Children();
    var sw = Stopwatch.StartNew();
    await work();
    return (sw.Elapsed.TotalSeconds, ChildCpu.Self() + ChildCpu.Children() - cpu0);
}

async Task Run(params string[] argv)
{
    var r = await runner.RunAsync(new CommandSpec(argv[0], argv[1..]) { Timeout = TimeSpan.FromMinutes(30) }, default);
    if (!r.Succeeded)
        throw new InvalidOperationException($"{string.Join(' ', argv)}: {r.FailureReason}");
}

// 1. Creating a disk: a sparse raw file costs nothing; qcow2 goes through qemu-img.
var raw = Path.Combine(dir, "raw.img");
var (t, c) = await Measure(() => { using var f = new FileStream(raw, FileMode.Create); f.SetLength(bytes); return Task.CompletedTask; });
Row("create raw (sparse file)", t, c, bytes);
var qcow = Path.Combine(dir, "disk.qcow2");
(t, c) = await Measure(() => Run("qemu-img", "create", "-q", "-f", "qcow2", qcow, $"{sizeMiB}M"));
Row("create qcow2 (qemu-img)", t, c, bytes);

// 2. Wiping (blockdev_wipe): zeros over the whole disk, synced, against dd.
// Each on a fresh sparse file, so that neither finds the blocks already allocated.
void Fresh() { File.Delete(raw); using var f = new FileStream(raw, FileMode.Create); f.SetLength(bytes); }
Fresh();
(t, c) = await Measure(() => Run("dd", "if=/dev/zero", $"of={raw}", "bs=1M", $"count={sizeMiB}", "conv=notrunc,fsync", "status=none"));
Row("wipe, dd if=/dev/zero conv=fsync (reference)", t, c, bytes);
Fresh();
(t, c) = await Measure(() => DiskWiper.WipeAsync(raw, 0, sizeMiB, null, default));
Row("wipe, DiskWiper (blockdev_wipe)", t, c, bytes);

// 3. Streams: a disk that is half random data, half zeros, over TCP on loopback.
var src = Path.Combine(dir, "src.img");
await using (var f = new FileStream(src, FileMode.Create))
{
    var buf = new byte[1 << 20];
    var rnd = new Random(1);
    for (var i = 0; i < sizeMiB; i++)
    {
        if (i % 2 == 0) rnd.NextBytes(buf); else Array.Clear(buf);
        await f.WriteAsync(buf);
    }
}
var dst = Path.Combine(dir, "dst.img");
foreach (var compression in new[] { StreamCompression.None, StreamCompression.GzipFast })
{
    (t, c) = await Measure(async () =>
    {
        using var listener = new DiskStreamListener(IPAddress.Loopback);
        await using var output = new FileStream(dst, FileMode.Create);
        var receive = listener.ReceiveAsync(output, "bench", TimeSpan.FromSeconds(30), null, default);
        await using var input = new FileStream(src, FileMode.Open, FileAccess.Read);
        await DiskStreamSender.SendAsync("127.0.0.1", listener.EndPoint.Port, input, "bench",
            new DiskStream.Header(compression, bytes, "bench"), null, default);
        await receive;
    });
    Row($"DiskStream over TCP, {compression}, HMAC-SHA256", t, c, bytes);
}

// The reference: socat moving the same file, no checksum, no compression.
(t, c) = await Measure(async () =>
{
    const int port = 39411;
    var receiver = runner.RunAsync(new CommandSpec("socat", "-u", $"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr", $"OPEN:{dst},creat,trunc")
        { Timeout = TimeSpan.FromMinutes(30) }, default);
    await Task.Delay(300);
    await Run("socat", "-u", $"OPEN:{src},rdonly", $"TCP:127.0.0.1:{port}");
    var r = await receiver;
    if (!r.Succeeded)
        throw new InvalidOperationException("socat receiver: " + r.FailureReason);
});
Row("socat file to file over TCP (reference)", t, c, bytes);
(t, c) = await Measure(() => Run("dd", $"if={src}", $"of={dst}", "bs=1M", "status=none"));
Row("dd file to file, local (reference)", t, c, bytes);

Directory.Delete(dir, recursive: true);
if (netns)
    await NetnsStreams.RunAsync(sizeMiB, Row);
Console.WriteLine("CPU s: CPU time of the benchmark and its child processes during the run (both ends of a stream).");
