using Ganeti.Core.Errors;
using Ganeti.NodeHelpers.MasterRole;
using Ganeti.NodeHelpers.Processes;

namespace Ganeti.NodeHelpers.Tests.MasterRole;

public sealed class MasterIpTests
{
    // `ip -o addr show` as iproute2 prints it on a node that holds 10.1.0.100 as a secondary address.
    private const string WithMasterIp = """
        1: lo    inet 127.0.0.1/8 scope host lo\       valid_lft forever preferred_lft forever
        2: eth0    inet 10.1.0.2/24 scope global eth0\       valid_lft forever preferred_lft forever
        2: eth0    inet 10.1.0.100/24 scope global secondary eth0:0\       valid_lft forever preferred_lft forever
        2: eth0    inet6 fe80::1/64 scope link \       valid_lft forever preferred_lft forever
        """;

    private const string WithoutMasterIp = """
        1: lo    inet 127.0.0.1/8 scope host lo\       valid_lft forever preferred_lft forever
        2: eth0    inet 10.1.0.2/24 scope global eth0\       valid_lft forever preferred_lft forever
        """;

    [Fact]
    public async Task Activation_adds_the_address_with_a_label_and_announces_it()
    {
        var runner = new RecordingCommandRunner().On("ip", ["-o", "addr", "show"], WithoutMasterIp);
        Assert.True(await new MasterIp(runner).ActivateAsync("10.1.0.100", 24, "eth0", default));
        Assert.Contains("ip addr add 10.1.0.100/24 dev eth0 label eth0:0", runner.CommandLines);
        Assert.Contains(runner.CommandLines, l => l.StartsWith("arping -q -U -c 2 -I eth0 10.1.0.100", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Activation_and_deactivation_are_idempotent()
    {
        var has = new RecordingCommandRunner().On("ip", ["-o", "addr", "show"], WithMasterIp);
        Assert.False(await new MasterIp(has).ActivateAsync("10.1.0.100", 24, "eth0", default));
        Assert.DoesNotContain(has.CommandLines, l => l.Contains("addr add", StringComparison.Ordinal));

        var hasNot = new RecordingCommandRunner().On("ip", ["-o", "addr", "show"], WithoutMasterIp);
        Assert.False(await new MasterIp(hasNot).DeactivateAsync("10.1.0.100", 24, "eth0", default));
        Assert.DoesNotContain(hasNot.CommandLines, l => l.Contains("addr del", StringComparison.Ordinal));

        // The node's own primary address is never added again, even as the master IP.
        Assert.False(await new MasterIp(hasNot).ActivateAsync("10.1.0.2", 32, "lo", default));
    }

    [Fact]
    public async Task Deactivation_removes_the_address_and_a_failure_says_why()
    {
        var runner = new RecordingCommandRunner().On("ip", ["-o", "addr", "show"], WithMasterIp);
        Assert.True(await new MasterIp(runner).DeactivateAsync("10.1.0.100", 24, "eth0", default));
        Assert.Contains("ip addr del 10.1.0.100/24 dev eth0", runner.CommandLines);

        runner.On("ip", ["addr", "del"], "", 2, "RTNETLINK answers: Operation not permitted");
        var e = await Assert.ThrowsAsync<GanetiException>(() => new MasterIp(runner).DeactivateAsync("10.1.0.100", 24, "eth0", default));
        Assert.Equal(ErrorCodes.Environment, e.Ecode);
        Assert.Contains("Cannot remove the master IP 10.1.0.100/24 from eth0", e.Message);
        Assert.Contains("Operation not permitted", e.Message);
    }

    [Theory]
    [InlineData("10.1.0", 24, "eth0", "is not an IP address")]
    [InlineData("10.1.0.100", 33, "eth0", "not between 1 and 32")]
    [InlineData("10.1.0.100", 24, "eth0 up", "not a valid interface name")]
    public void Bad_master_ip_settings_are_refused_before_anything_runs(string ip, int netmask, string dev, string message)
    {
        var e = Assert.Throws<GanetiException>(() => MasterIp.Prefix(ip, netmask, dev));
        Assert.Contains(message, e.Message);
    }
}
