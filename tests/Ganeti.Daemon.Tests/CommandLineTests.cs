namespace Ganeti.Daemon.Tests;

public sealed class CommandLineTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "gnt-cli-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task NoCommandIsAUsageError()
    {
        var (code, _, err) = await Ganetid.RunAsync();
        Assert.Equal(2, code);
        Assert.Contains("Usage: ganetid COMMAND", err);
    }

    [Fact]
    public async Task HelpExplainsEveryOption()
    {
        var (code, output, _) = await Ganetid.RunAsync("init", "--help");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--root", "--cluster-name", "--enabled-hypervisors", "--enabled-disk-templates", "--rapi-user", "-H, --hypervisor-parameters" })
            Assert.Contains(option, output);
        (code, output, _) = await Ganetid.RunAsync("master", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--rapi-bind", output);
        Assert.Contains("--rapi-port", output);
    }

    [Fact]
    public async Task UnknownOptionsAndMissingValuesNameTheProblem()
    {
        var (code, _, err) = await Ganetid.RunAsync("init", "--root", root, "--bogus");
        Assert.Equal(2, code);
        Assert.Contains("unknown option '--bogus'", err);
        (code, _, err) = await Ganetid.RunAsync("init", "--root", root, "--cluster-name", "c1", "--enabled-disk-templates", "file");
        Assert.Equal(2, code);
        Assert.Contains("--enabled-hypervisors", err);
        (code, _, err) = await Ganetid.RunAsync("master", "--rapi-port");
        Assert.Equal(2, code);
        Assert.Contains("needs a value", err);
        Assert.False(Directory.Exists(Path.Combine(root, "var")));
    }

    [Fact]
    public async Task BadValuesFailWithGanetisErrorType()
    {
        var (code, _, err) = await Ganetid.RunAsync("init", "--root", root, "--cluster-name", "c1", "--enabled-hypervisors", "vmware", "--enabled-disk-templates", "file");
        Assert.Equal(1, code);
        Assert.Contains("Unknown hypervisor 'vmware'", err);
        Assert.Contains("wrong_input", err);
        (code, _, err) = await Ganetid.RunAsync("init", "--root", root, "--cluster-name", "bad name!", "--enabled-hypervisors", "fake", "--enabled-disk-templates", "file");
        Assert.Equal(1, code);
        Assert.Contains("Invalid cluster name", err);
        Assert.False(File.Exists(Path.Combine(root, "var/lib/ganeti/config.data")));
    }

    [Fact]
    public async Task InitCreatesTheStateTreeAndRefusesASecondInit()
    {
        await Ganetid.InitAsync(root);
        foreach (var f in new[] { "var/lib/ganeti/config.data", "var/lib/ganeti/server.pem", "var/lib/ganeti/rapi.pem",
                     "var/lib/ganeti/rapi/users", "var/lib/ganeti/ssconf_cluster_name", "var/lib/ganeti/ssconf_master_node" })
            Assert.True(File.Exists(Path.Combine(root, f)), f);
        Assert.Equal("lab.cluster", File.ReadAllText(Path.Combine(root, "var/lib/ganeti/ssconf_cluster_name")).Trim());
        Assert.Contains("admin {cleartext}secret write", File.ReadAllText(Path.Combine(root, "var/lib/ganeti/rapi/users")));
        var before = File.ReadAllText(Path.Combine(root, "var/lib/ganeti/config.data"));
        var (code, _, err) = await Ganetid.RunAsync("init", "--root", root, "--cluster-name", "other", "--enabled-hypervisors", "fake", "--enabled-disk-templates", "file");
        Assert.Equal(1, code);
        Assert.Contains("already initialised", err);
        Assert.Equal(before, File.ReadAllText(Path.Combine(root, "var/lib/ganeti/config.data")));
    }

    [Fact]
    public async Task HtoolsRunsHbalWithGanetisOptionsAndOutput()
    {
        Directory.CreateDirectory(root);
        var data = Path.Combine(root, "cluster.data");
        File.WriteAllText(data, string.Join("\n",
            "default|g-uuid|preferred||", "",
            "node1|4096|0|3584|102400|92160|4|N|g-uuid|1||N|1|0|1.0",
            "node2|4096|0|4096|102400|102400|4|N|g-uuid|1||N|1|0|1.0", "",
            "inst1|512|10240|1|running|Y|node1||plain||1|-|N", "", "",
            "|128,1,1024,1,1,1|128,1,1024,1,1,1;32768,8,1048576,16,8,12|plain,diskless,file|4.0|32.0", ""));
        var (code, output, err) = await Ganetid.RunAsync("htools", "hbal", "-t", data);
        Assert.True(code == 0, err);
        Assert.Contains("Initial score: 2.25312500", output);
        Assert.Contains("Solution length=0", output);
        (code, _, _) = await Ganetid.RunAsync("htools");
        Assert.Equal(2, code);
    }

    [Fact]
    public async Task MasterWithoutAClusterSaysSo()
    {
        var (code, _, err) = await Ganetid.RunAsync("master", "--root", root, "--rapi-port", "0");
        Assert.Equal(1, code);
        Assert.Contains("ganetid init", err);
    }

    [Fact]
    public async Task MasterFailoverNeedsAConfirmedNoVotingAndACandidatesCopyOfTheConfiguration()
    {
        var (code, _, err) = await Ganetid.RunAsync("master-failover", "--root", root, "--no-voting");
        Assert.Equal(2, code);
        Assert.Contains("confirm with --yes-do-it", err);

        (code, _, err) = await Ganetid.RunAsync("master-failover", "--root", root, "--node-name", "node2");
        Assert.Equal(1, code);
        Assert.Contains("This node (node2) holds no copy of the cluster configuration", err);

        await Ganetid.InitAsync(root);
        (code, _, err) = await Ganetid.RunAsync("master-failover", "--root", root, "--node-name", "node1.lab");
        Assert.Equal(1, code);
        Assert.Contains("node1.lab is already the master", err);
        (code, _, err) = await Ganetid.RunAsync("master", "--root", root, "--node-name", "node2.lab");
        Assert.Equal(1, code);
        Assert.Contains("This node (node2.lab) is not the master: the configuration names node1.lab", err);
    }

    [Fact]
    public async Task TheWatcherIsPausedResumedAndReported()
    {
        Directory.CreateDirectory(Path.Combine(root, "var/lib/ganeti"));
        var (code, output, _) = await Ganetid.RunAsync("watcher", "info", "--root", root);
        Assert.Equal(0, code);
        Assert.Contains("not paused", output);
        (code, output, _) = await Ganetid.RunAsync("watcher", "pause", "2h", "--root", root);
        Assert.Equal(0, code);
        Assert.Contains("paused until", output);
        (code, output, _) = await Ganetid.RunAsync("watcher", "info", "--root", root);
        Assert.Contains("paused until", output);
        (code, _, _) = await Ganetid.RunAsync("watcher", "continue", "--root", root);
        Assert.Equal(0, code);
        (_, output, _) = await Ganetid.RunAsync("watcher", "info", "--root", root);
        Assert.Contains("not paused", output);
        string err;
        (code, _, err) = await Ganetid.RunAsync("watcher", "pause", "soon", "--root", root);
        Assert.Equal(2, code);
        Assert.Contains("invalid duration 'soon'", err);
    }
}
