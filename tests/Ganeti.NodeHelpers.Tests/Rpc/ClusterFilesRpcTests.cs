using System.Text.Json.Nodes;
using Ganeti.Core.Errors;
using Ganeti.Core.Paths;
using Ganeti.NodeHelpers.Rpc;
using Ganeti.Remoting.NodeRpc;

namespace Ganeti.NodeHelpers.Tests.Rpc;

public sealed class ClusterFilesRpcTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "gnt-files-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly NodeRpcDispatcher node = new();
    private readonly NodeContext ctx;
    private int changed;

    public ClusterFilesRpcTests()
    {
        ctx = new NodeContext("node2", new GanetiPaths(root), []) { ClusterFilesChanged = () => changed++ };
        ClusterFilesRpc.Register(node, ctx);
    }

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private Task<JsonNode?> Upload(string name, string content) => node.DispatchAsync(NodeProcedures.UploadFile,
        new JsonObject { ["file_name"] = name, ["data"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(content)) }, default);

    [Fact]
    public async Task New_ssconf_values_and_a_new_configuration_copy_tell_the_node_and_nothing_else_does()
    {
        var ssconf = new JsonObject { ["values"] = new JsonObject { ["file_storage_dir"] = "/srv/files" } };
        await node.DispatchAsync(NodeProcedures.WriteSsconfFiles, ssconf, default);
        Assert.Equal(1, changed);
        await node.DispatchAsync(NodeProcedures.WriteSsconfFiles, ssconf.DeepClone(), default);
        Assert.Equal(1, changed); // the same values again: nothing to follow

        await Upload(ClusterFiles.KnownHosts, "node1 ssh-ed25519 AAAA\n");
        Assert.Equal(1, changed);
        await Upload(ClusterFiles.ConfigData, "{}");
        Assert.Equal(2, changed);
    }

    [Fact]
    public async Task A_candidate_takes_the_files_it_needs_to_become_master_but_nothing_outside_the_list()
    {
        foreach (var name in new[] { ClusterFiles.ClusterSshKey, ClusterFiles.ClusterSshPublicKey, ClusterFiles.RapiCert, ClusterFiles.ClusterCert, ClusterFiles.RapiUsers })
        {
            await Upload(name, "x");
            Assert.True(File.Exists(Path.Combine(root, name)), name);
        }
        var e = await Assert.ThrowsAsync<GanetiException>(() => Upload("etc/ssh/sshd_config", "x"));
        Assert.Contains("not a file the master may upload", e.Message);
    }
}
