using System.Diagnostics;
using System.Text.Json.Nodes;
using Ganeti.Core.Paths;
using Ganeti.Daemon.Commands;

namespace Ganeti.Daemon.Tests;

/// <summary>`ganetid node --stdio` as the ssh session runs it: framed requests on stdin, answers on stdout.</summary>
public sealed class NodeCommandTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "gnt-node-" + Guid.NewGuid().ToString("N")[..10]);

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    [Fact]
    public async Task AnswersEveryRequestOnStdoutAndExitsAtEndOfInput()
    {
        var psi = Ganetid.StartInfo("node", "--stdio", "--root", root, "--node-name", "node9");
        psi.RedirectStandardInput = true;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardInput.WriteAsync(
            """
            {"id": 1, "procedure": "version"}
            this is not a frame
            {"id": 2, "procedure": "no_such_procedure"}
            {"id": 3, "procedure": "node_info", "args": {"hypervisors": ["fake"]}}

            """);
        p.StandardInput.Close();
        var lines = new List<string>();
        while (await p.StandardOutput.ReadLineAsync() is { } line) lines.Add(line);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);

        Assert.Equal(0, p.ExitCode);
        var answers = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToDictionary(a => a["id"]!.GetValue<long>());
        Assert.Equal([1, 2, 3], answers.Keys.Order());
        Assert.Equal("node9", answers[1]["result"]!["node"]!.GetValue<string>());
        Assert.False(answers[2]["ok"]!.GetValue<bool>());
        Assert.Contains("no_such_procedure", answers[2]["error"]![1]![0]!.GetValue<string>());
        Assert.Equal("node9", answers[3]["result"]!["name"]!.GetValue<string>());
        Assert.Contains("this is not a frame", await stderr);
    }

    [Fact]
    public async Task WithoutStdioItIsAUsageError()
    {
        var (code, _, err) = await Ganetid.RunAsync("node", "--root", root);
        Assert.Equal(2, code);
        Assert.Contains("--stdio", err);
    }

    [Fact]
    public void TheNodeReadsItsStorageDirectoriesFromSsconfWithoutAConfig()
    {
        var paths = new GanetiPaths(root);
        Directory.CreateDirectory(paths.DataDir);
        File.WriteAllText(paths.SsconfPrefix + "file_storage_dir", "/srv/disks\n");
        File.WriteAllText(paths.SsconfPrefix + "shared_file_storage_dir", "\n");

        var ctx = NodeCommand.Context("node1", paths);

        Assert.Equal(["/srv/disks"], ctx.AllowedFileStoragePaths);
        Assert.Equal(paths.OsSearchPath, ctx.OsSearchPath);
        Assert.Equal("node1", ctx.NodeName);
    }

    [Fact]
    public void ACandidateTakesItsSearchPathAndStorageFromItsConfigurationCopyUnderItsOwnRoot()
    {
        var paths = new GanetiPaths(root);
        Directory.CreateDirectory(paths.DataDir);
        // The instances come first and are skipped unread; only the cluster section matters.
        File.WriteAllText(paths.ConfigData, """
            {"instances": {"u1": {"name": "i1", "disks": [{"size": 1}], "nested": {"cluster": "not this"}}},
             "cluster": {"os_search_path": ["/srv/ganeti/os", "/opt/os"], "file_storage_dir": "/srv/disks",
                         "shared_file_storage_dir": ""},
             "nodes": {}}
            """);

        var ctx = NodeCommand.Context("node2", paths);

        Assert.Equal([paths.Under("srv/ganeti/os"), paths.Under("opt/os"), "/srv/ganeti/os", "/opt/os"], ctx.OsSearchPath);
        Assert.Equal(["/srv/disks"], ctx.AllowedFileStoragePaths);
    }

    [Fact]
    public void AConfigurationWithoutAClusterSectionIsRefusedByTheReader()
    {
        var e = Assert.Throws<System.Text.Json.JsonException>(() => NodeCommand.ReadCluster("""{"instances": {}}"""u8));
        Assert.Contains("no cluster section", e.Message);
    }
}
