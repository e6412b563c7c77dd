using System.Text.Json;
using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.Hypervisors.Kvm;

namespace Ganeti.NodeHelpers.Tests.Hypervisors.Kvm;

public sealed class KvmParametersTests
{
    private static JsonElement J<T>(T v) => JsonSerializer.SerializeToElement(v);

    [Fact]
    public void There_are_ganetis_65_parameters_with_its_defaults()
    {
        Assert.Equal(65, KvmParameters.Defaults.Count);
        Assert.Equal("/usr/bin/kvm", KvmParameters.Defaults["kvm_path"].GetString());
        Assert.Equal(8102, KvmParameters.Defaults["migration_port"].GetInt32());
        Assert.Equal(32, KvmParameters.Defaults["migration_bandwidth"].GetInt32());
        Assert.Equal(30, KvmParameters.Defaults["migration_downtime"].GetInt32());
        Assert.Equal("paravirtual", KvmParameters.Defaults["disk_type"].GetString());
        Assert.True(KvmParameters.Defaults["acpi"].GetBoolean());
        KvmParameters.Check(KvmParameters.Defaults);
    }

    [Theory]
    [InlineData("acpi", "\"maybe\"", "must be a boolean")]
    [InlineData("serial_speed", "\"fast\"", "must be an integer")]
    [InlineData("migration_port", "0", "between 1 and 65535")]
    [InlineData("migration_bandwidth", "0", "at least 1")]
    [InlineData("boot_order", "\"usb\"", "must be one of")]
    [InlineData("disk_type", "\"virtio\"", "must be one of")]
    [InlineData("disk_aio", "\"posix\"", "must be one of")]
    [InlineData("migration_mode", "\"fast\"", "must be one of")]
    [InlineData("kvm_flag", "\"on\"", "must be one of")]
    [InlineData("reboot_behavior", "\"halt\"", "must be one of")]
    [InlineData("usb_mouse", "\"trackball\"", "must be one of")]
    [InlineData("vnc_bind_address", "\"not-an-ip\"", "valid IP address")]
    [InlineData("initrd_path", "\"boot/initrd\"", "absolute")]
    [InlineData("kvm_path", "\"/usr/../bin/kvm\"", "absolute, normalized")]
    [InlineData("cpu_mask", "\"3-1\"", "cpu_mask")]
    [InlineData("migration_caps", "\"teleport\"", "unknown migration capability")]
    [InlineData("kvm_extra", "\"-foo 'bar\"", "unterminated quote")]
    [InlineData("virtio_net_queues", "9", "between 1 and 8")]
    [InlineData("vnc_password_file", "\"/etc/pw\"", "requires vnc_bind_address")]
    [InlineData("security_model", "\"user\"", "security_domain")]
    [InlineData("security_domain", "\"nobody\"", "only valid with security model 'user'")]
    [InlineData("disk_type", "\"pflash\"", "not supported by this kvm driver")]
    [InlineData("use_chroot", "true", "not supported by this kvm driver")]
    public void Bad_values_are_wrong_input_naming_the_parameter(string key, string json, string expect)
    {
        var p = new Dictionary<string, JsonElement> { [key] = JsonDocument.Parse(json).RootElement };
        var e = Assert.Throws<GanetiException>(() => KvmParameters.Check(p));
        Assert.Equal(ErrorCodes.WrongInput, e.Ecode);
        Assert.Contains(expect, e.Message);
    }

    [Fact]
    public void Unknown_parameters_are_named()
    {
        var e = Assert.Throws<GanetiException>(() => KvmParameters.Check(new Dictionary<string, JsonElement> { ["kvm_pth"] = J("/x") }));
        Assert.Contains("kvm_pth", e.Message);
    }

    [Fact]
    public void Consistent_combinations_pass()
    {
        KvmParameters.Check(new Dictionary<string, JsonElement>
        {
            ["disk_aio"] = J("native"),
            ["disk_cache"] = J("none"),
            ["boot_order"] = J("cdrom"),
            ["cdrom_image_path"] = J("/srv/iso/x.iso"),
            ["vnc_bind_address"] = J("::"),
            ["vnc_password_file"] = J("/etc/ganeti/vnc"),
            ["cpu_mask"] = J("0-1:all"),
            ["migration_caps"] = J("xbzrle:auto-converge"),
            ["security_model"] = J("user"),
            ["security_domain"] = J("qemu"),
            ["serial_speed"] = J("115200"),
            ["acpi"] = J("false"),
        });
    }

    [Fact]
    public void Cpu_mask_forms()
    {
        Assert.Equal([null], KvmParameters.ParseCpuMask("all"));
        Assert.Equal([0, 1, 2, 5], KvmParameters.ParseCpuMask("0-2,5")[0]!);
        var perVcpu = KvmParameters.ParseCpuMask("1:2-3:all");
        Assert.Equal(3, perVcpu.Count);
        Assert.Null(perVcpu[2]);
    }

    [Fact]
    public void Kvm_extra_is_split_like_a_shell_without_running_one()
    {
        Assert.Equal(["-a", "b c", "d\"e", "$HOME", "f;g"], KvmParameters.SplitArguments("-a 'b c' \"d\\\"e\" '$HOME' f\\;g"));
        Assert.Empty(KvmParameters.SplitArguments("   "));
    }

    [Theory]
    [InlineData("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright (c) 2003-2022 Fabrice Bellard", "7.2.22")]
    [InlineData("QEMU emulator version 8.2.2\n", "8.2.2")]
    [InlineData("QEMU emulator version 2.5\n", "2.5")]
    [InlineData("kvm: command not understood", null)]
    public void The_version_is_read_from_qemus_version_banner(string output, string? version) =>
        Assert.Equal(version, KvmHypervisor.ParseQemuVersion(output));

    [Fact]
    public async Task Node_info_reports_the_version_of_the_qemu_that_kvm_path_names()
    {
        var root = Directory.CreateTempSubdirectory("gnt-kvm-version").FullName;
        try
        {
            await using var kvm = new KvmHypervisor(new Core.Paths.GanetiPaths(root));
            var hv = new Dictionary<string, JsonElement> { ["kvm_path"] = J(TestGuest.Qemu) };
            var info = await kvm.GetNodeInfoAsync(hv, CancellationToken.None);
            var banner = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(TestGuest.Qemu, "--version") { RedirectStandardOutput = true })!;
            var expected = KvmHypervisor.ParseQemuVersion(await banner.StandardOutput.ReadToEndAsync());
            Assert.NotNull(expected);
            Assert.Equal(expected, info.Version);
            Assert.Null((await kvm.GetNodeInfoAsync(new Dictionary<string, JsonElement> { ["kvm_path"] = J("/nonexistent/qemu") }, CancellationToken.None)).Version);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
