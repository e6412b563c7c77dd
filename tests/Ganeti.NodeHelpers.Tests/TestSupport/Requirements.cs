namespace Ganeti.NodeHelpers.Tests.TestSupport;

/// <summary>Facts about this machine that decide whether a slow, environment-bound test can run.</summary>
public static class Requirements
{
    public static string? GuestKernel => Directory.Exists("/boot")
        ? Directory.GetFiles("/boot", "vmlinuz-*").Order(StringComparer.Ordinal).LastOrDefault()
        : null;

    public static string? GuestInitrd => GuestKernel is { } k ? k.Replace("vmlinuz-", "initrd.img-") is var i && File.Exists(i) ? i : null : null;

    public static bool Has(string program) =>
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".Split(':').Any(d => File.Exists(Path.Combine(d, program)));

    /// <summary>The repository's own OS definitions (os/ at the repository root).</summary>
    public static string RepoOsDir
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                if (Directory.Exists(Path.Combine(d.FullName, "os", "ganeti-busybox")))
                    return Path.Combine(d.FullName, "os");
            throw new InvalidOperationException("os/ganeti-busybox not found above " + AppContext.BaseDirectory);
        }
    }
}

/// <summary>A fact that is skipped, saying why, unless qemu and a guest kernel with its initrd are installed.</summary>
public sealed class BootFactAttribute : FactAttribute
{
    public BootFactAttribute()
    {
        if (!Requirements.Has("qemu-system-x86_64"))
            Skip = "qemu-system-x86_64 is not installed (Debian: qemu-system-x86)";
        else if (Requirements.GuestInitrd is null)
            Skip = "no guest kernel and initrd in /boot (Debian: linux-image-cloud-amd64)";
    }
}

/// <summary>A fact that runs only when GANETI_TEST_DEBOOTSTRAP=1: it downloads Debian packages and takes minutes.</summary>
public sealed class DebootstrapFactAttribute : FactAttribute
{
    public DebootstrapFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("GANETI_TEST_DEBOOTSTRAP") != "1")
            Skip = "set GANETI_TEST_DEBOOTSTRAP=1 to run (needs ganeti-instance-debootstrap and a Debian mirror or proxy)";
        else if (!Directory.Exists("/usr/share/ganeti/os/debootstrap"))
            Skip = "ganeti-instance-debootstrap is not installed";
    }
}
