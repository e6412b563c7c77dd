using System.Diagnostics;
using System.Text.Json;

namespace Ganeti.NodeHelpers.Tests.Hypervisors.Kvm;

/// <summary>
/// The tiny real guest (tests/guest/make-guest.sh): a Debian kernel and a busybox initramfs,
/// built once into a cache directory. Missing qemu or packages fail the test with the reason.
/// </summary>
public static class TestGuest
{
    public const string Qemu = "/usr/bin/qemu-system-x86_64";
    public const string ReadyMarker = "GNT-GUEST-READY";
    public const string PoweroffMarker = "GNT-GUEST-POWEROFF";

    private static readonly Lazy<(string Kernel, string Initrd)> Built = new(Build);

    public static string CacheDir =>
        Environment.GetEnvironmentVariable("GNT_TEST_GUEST_CACHE") is { Length: > 0 } d ? d : "/var/tmp/ganeti-kvm-test-guest";

    public static string Kernel => Built.Value.Kernel;
    public static string Initrd => Built.Value.Initrd;

    /// <summary>
    /// The kvm hypervisor parameters that boot the test guest: its kernel and initramfs, no root
    /// device, and kvm_flag disabled (TCG), since /dev/kvm here does not boot guests.
    /// </summary>
    public static Dictionary<string, JsonElement> KvmHvparams() => new()
    {
        ["kvm_path"] = JsonSerializer.SerializeToElement(Qemu),
        ["kvm_flag"] = JsonSerializer.SerializeToElement("disabled"),
        ["kernel_path"] = JsonSerializer.SerializeToElement(Kernel),
        ["initrd_path"] = JsonSerializer.SerializeToElement(Initrd),
        ["root_path"] = JsonSerializer.SerializeToElement(""),
    };

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Ganeti.sln")))
                    return dir.FullName;
            throw new InvalidOperationException("Cannot find the repository root (Ganeti.sln) above " + AppContext.BaseDirectory);
        }
    }

    private static (string, string) Build()
    {
        if (!File.Exists(Qemu))
            throw new InvalidOperationException($"{Qemu} is missing: apt-get install qemu-system-x86");
        var script = Path.Combine(RepositoryRoot, "tests", "guest", "make-guest.sh");
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(CacheDir);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(true);
            throw new InvalidOperationException("make-guest.sh timed out");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"make-guest.sh failed ({p.ExitCode}): {err.Result}{output}");
        return (Path.Combine(CacheDir, "vmlinuz"), Path.Combine(CacheDir, "initrd.gz"));
    }
}
