using Ganeti.Core.Errors;
using Ganeti.Core.Paths;
using Ganeti.NodeHelpers.Setup;

namespace Ganeti.NodeHelpers.Tests.Setup;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class NodeJoinTests : IDisposable
{
    private const string Key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVKqW8Zf0m8j1mKqN9m2rPb3g8E2yq7qfD2v2vB9xNn cluster";
    private readonly string dir = Path.Combine(Path.GetTempPath(), "gnt-join-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly GanetiPaths paths;
    private readonly string authorizedKeys;
    private static readonly string[] Command = ["/usr/bin/ganetid", "node", "--stdio", "--root", "/srv/node a", "--node-name", "n'1"];

    public NodeJoinTests()
    {
        paths = new GanetiPaths(Path.Combine(dir, "root"));
        authorizedKeys = Path.Combine(dir, "ssh", "authorized_keys");
    }

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    private static NodeJoinRequest Request(string cluster = "c1.example.com", string key = Key) => new() { ClusterName = cluster, ClusterKey = key };

    [Fact]
    public void The_cluster_key_is_forced_to_run_the_node_command_with_every_word_single_quoted()
    {
        var line = NodeJoin.AuthorizedKeyLine(Request(), Command);
        Assert.Equal("restrict,command=\"exec '/usr/bin/ganetid' 'node' '--stdio' '--root' '/srv/node a' '--node-name' 'n'\\''1'\" " +
                     "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGVKqW8Zf0m8j1mKqN9m2rPb3g8E2yq7qfD2v2vB9xNn ganeti-cluster-key:c1.example.com", line);
    }

    [Theory]
    [InlineData("not a key")]
    [InlineData("ssh-dss AAAAB3NzaC1kc3M= old")]
    [InlineData("ssh-ed25519 not*base64")]
    public void A_malformed_cluster_key_is_refused(string key)
    {
        var e = Assert.Throws<GanetiException>(() => NodeJoin.AuthorizedKeyLine(Request(key: key), Command));
        Assert.Equal(ErrorCodes.WrongInput, e.Ecode);
    }

    [Fact]
    public void A_command_word_with_a_double_quote_is_refused()
    {
        var e = Assert.Throws<GanetiException>(() => NodeJoin.AuthorizedKeyLine(Request(), ["/bin/x\"y"]));
        Assert.Contains("cannot be put in authorized_keys", e.Message);
    }

    [Fact]
    public void Joining_keeps_other_keys_and_replaces_the_cluster_keys_old_line()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(authorizedKeys)!);
        File.WriteAllLines(authorizedKeys, ["ssh-ed25519 AAAAadmin admin@host", Key]);

        NodeJoin.Apply(paths, Request(), Command, authorizedKeys);
        NodeJoin.Apply(paths, Request(), Command, authorizedKeys);

        var lines = File.ReadAllLines(authorizedKeys);
        Assert.Equal(2, lines.Length);
        Assert.Equal("ssh-ed25519 AAAAadmin admin@host", lines[0]);
        Assert.StartsWith("restrict,command=", lines[1]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(authorizedKeys));
    }

    [Fact]
    public void A_node_of_another_cluster_is_refused_and_its_keys_are_left_alone()
    {
        Directory.CreateDirectory(paths.DataDir);
        File.WriteAllText(paths.SsconfPrefix + "cluster_name", "other.example.com\n");

        var e = Assert.Throws<GanetiException>(() => NodeJoin.Apply(paths, Request(), Command, authorizedKeys));

        Assert.Equal(ErrorCodes.WrongState, e.Ecode);
        Assert.Contains("belongs to the cluster other.example.com", e.Message);
        Assert.False(File.Exists(authorizedKeys));
        // Its own cluster may join it again (a re-add).
        NodeJoin.Apply(paths, Request("other.example.com"), Command, authorizedKeys);
        Assert.True(File.Exists(authorizedKeys));
    }
}
