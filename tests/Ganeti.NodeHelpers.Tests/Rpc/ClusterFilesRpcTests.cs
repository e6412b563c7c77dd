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

    /// <summary>A configuration of some megabytes: repetitive JSON with random identifiers, as a real one is.</summary>
    private static byte[] BigConfig() => System.Text.Encoding.UTF8.GetBytes("{\"instances\": {" + string.Join(",",
        Enumerable.Range(0, 20_000).Select(i => $"\"{Guid.NewGuid()}\": {{\"name\": \"inst{i}\", \"os\": \"noop\"}}")) + "}}");

    private Task<JsonNode?> UploadEncoded(JsonObject content)
    {
        content["file_name"] = ClusterFiles.ConfigData;
        return node.DispatchAsync(NodeProcedures.UploadFile, content, default);
    }

    [Fact]
    public async Task A_large_configuration_arrives_compressed_and_is_written_byte_for_byte()
    {
        var data = BigConfig();
        var content = UploadContent.Encode(data);
        Assert.Null(content["data"]);
        Assert.True(content["data_zlib"]!.GetValue<string>().Length < data.Length, "compressed and in base64, it is still smaller than the raw bytes");

        await UploadEncoded(content);

        Assert.Equal(data, File.ReadAllBytes(Path.Combine(root, ClusterFiles.ConfigData)));
        Assert.Equal(1, changed);
    }

    [Fact]
    public async Task A_damaged_compressed_upload_is_refused_and_the_old_copy_stays()
    {
        await Upload(ClusterFiles.ConfigData, "{\"serial_no\": 1}");
        var data = BigConfig();

        var wrongSum = UploadContent.Encode(data);
        data[100] ^= 1;
        wrongSum["sha256"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(data)).ToLowerInvariant();
        var e = await Assert.ThrowsAsync<GanetiException>(() => UploadEncoded(wrongSum));
        Assert.True(e.Message.Contains("does not match its SHA-256", StringComparison.Ordinal), e.Message);

        var shortSize = UploadContent.Encode(data);
        shortSize["size"] = data.Length + 1;
        e = await Assert.ThrowsAsync<GanetiException>(() => UploadEncoded(shortSize));
        Assert.Contains("fewer than the", e.Message);

        var noSum = UploadContent.Encode(data);
        noSum.Remove("sha256");
        e = await Assert.ThrowsAsync<GanetiException>(() => UploadEncoded(noSum));
        Assert.Contains("'sha256'", e.Message);

        e = await Assert.ThrowsAsync<GanetiException>(() => UploadEncoded(new JsonObject()));
        Assert.Contains("neither 'data' nor 'data_zlib'", e.Message);

        Assert.Equal("{\"serial_no\": 1}", File.ReadAllText(Path.Combine(root, ClusterFiles.ConfigData)));
    }

    [Fact]
    public void A_small_file_goes_as_plain_base64()
    {
        var content = UploadContent.Encode("node1 ssh-ed25519 AAAA\n"u8);
        Assert.Equal(["data"], content.Select(kv => kv.Key));
    }
}
