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

/// <summary>
/// Checks for what the slow, environment-bound tests need. A missing tool fails the test with the
/// package to install: these tests run for real in CI, never skipped.
/// </summary>
public static class Require
{
    public static void Boot()
    {
        Assert.True(Requirements.Has("qemu-system-x86_64"), "qemu-system-x86_64 is not installed (Debian: qemu-system-x86)");
        Assert.True(Requirements.GuestInitrd is not null, "no guest kernel and initrd in /boot (Debian: linux-image-cloud-amd64)");
    }

    public static void Debootstrap()
    {
        Assert.True(Directory.Exists("/usr/share/ganeti/os/debootstrap"),
            "ganeti-instance-debootstrap is not installed (Debian: ganeti-instance-debootstrap debootstrap)");
    }
}
