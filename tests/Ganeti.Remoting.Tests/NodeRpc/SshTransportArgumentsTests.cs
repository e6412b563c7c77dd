using Ganeti.Remoting.NodeRpc;

namespace Ganeti.Remoting.Tests.NodeRpc;

public sealed class SshTransportArgumentsTests
{
    private static SshTransportOptions Options => new()
    {
        IdentityFile = "/var/lib/ganeti/id_cluster",
        KnownHostsFile = "/var/lib/ganeti/known_hosts",
        Port = 2222,
        RemoteCommand = ["/usr/sbin/ganetid", "node", "--stdio", "--root", "/srv/my node's root"],
    };

    [Fact]
    public void TheClientUsesOnlyTheClusterKeyAndKnownHosts()
    {
        var args = new SshTransport("node1", "10.0.0.1", Options).Arguments();
        var opts = args.Select((a, i) => (a, i)).Where(x => x.i > 0 && args[x.i - 1] == "-o").Select(x => x.a).ToList();

        Assert.Equal("-T", args[0]);
        Assert.Contains("BatchMode=yes", opts);
        Assert.Contains("IdentitiesOnly=yes", opts);
        Assert.Contains("StrictHostKeyChecking=yes", opts);
        Assert.Contains("UserKnownHostsFile=/var/lib/ganeti/known_hosts", opts);
        Assert.Contains("ServerAliveInterval=5", opts);
        Assert.Contains("ServerAliveCountMax=3", opts);
        Assert.Equal("/var/lib/ganeti/id_cluster", args[args.ToList().IndexOf("-i") + 1]);
        Assert.Equal("2222", args[args.ToList().IndexOf("-p") + 1]);
        Assert.Equal("root", args[args.ToList().IndexOf("-l") + 1]);
        Assert.Equal(["10.0.0.1", "--", "/usr/sbin/ganetid node --stdio --root '/srv/my node'\\''s root'"], args.TakeLast(3));
    }

    [Theory]
    [InlineData("plain-word_1.2", "plain-word_1.2")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("$(reboot)", "'$(reboot)'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("a;b", "'a;b'")]
    public void RemoteWordsAreQuotedForTheNodesShell(string word, string quoted) =>
        Assert.Equal(quoted, SshTransport.ShellQuote(word));

    [Fact]
    public void AnAddressThatLooksLikeAnOptionIsRejected() =>
        Assert.Throws<ArgumentException>(() => new SshTransport("n", "-oProxyCommand=x", Options));

    [Fact]
    public async Task AMissingSshClientIsReportedAsUnreachable()
    {
        await using var t = new SshTransport("node1", "10.0.0.1", Options with { SshPath = "/nonexistent/ssh" });
        var e = await Assert.ThrowsAsync<NodeUnreachableException>(() => t.CallAsync("version", null, TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Contains("cannot start /nonexistent/ssh", e.Message);
    }
}
